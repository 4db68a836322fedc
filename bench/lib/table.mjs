// The benchmark's report: one table, each contender's medians and its ratio to the group's reference.

const MB = 1024 * 1024;

function formatBytes(bytes) {
  if (bytes === undefined) return '';
  if (bytes >= 1024 * MB) return `${(bytes / 1024 / MB).toFixed(2)} GB`;
  if (bytes >= MB) return `${(bytes / MB).toFixed(1)} MB`;
  return `${(bytes / 1024).toFixed(0)} kB`;
}

/**
 * Columns only some cases fill (the nights case's store sizes): shown when a row has the value. Each
 * formats a row, given its group's reference row.
 */
const OPTIONAL_COLUMNS = [
  { title: 'stored', key: 'storedBytes', cell: (row) => formatBytes(row.storedBytes) },
  { title: 'sent/night', key: 'sentBytes', cell: (row) => formatBytes(row.sentBytes) },
  {
    title: 'stored vs reference',
    key: 'storedBytes',
    cell: (row, reference) => {
      if (row.reference) return 'reference';
      return reference?.storedBytes ? `${(row.storedBytes / reference.storedBytes).toFixed(2)}x` : '';
    },
  },
  { title: 'notes', key: 'note', cell: (row) => row.note ?? '' },
];

/** Rows grouped by `group`; in each, the row marked `reference` is what the others are divided by. */
export function formatTable(rows) {
  const optional = OPTIONAL_COLUMNS.filter((column) => rows.some((row) => row[column.key] !== undefined));
  // The Node major a row of Pickup's ran on; the references run once, on no Node or the bench's.
  const withNode = rows.some((row) => row.node !== undefined);
  const header = [
    'case',
    'run',
    ...(withNode ? ['node'] : []),
    'median s',
    'MB/s',
    'output',
    'peak RSS',
    'time vs reference',
    ...optional.map((column) => column.title),
  ];
  const lines = [];
  for (const group of [...new Set(rows.map((row) => row.group))]) {
    const members = rows.filter((row) => row.group === group);
    const reference = members.find((row) => row.reference);
    for (const row of members) {
      lines.push([
        group,
        row.label,
        ...(withNode ? [row.node === undefined ? '' : String(row.node)] : []),
        row.seconds.toFixed(row.seconds < 1 ? 3 : 2),
        row.inputBytes ? (row.inputBytes / MB / row.seconds).toFixed(0) : '',
        formatBytes(row.outputBytes),
        formatBytes(row.peakRss),
        row.reference ? 'reference' : reference ? `${(row.seconds / reference.seconds).toFixed(2)}x` : '',
        ...optional.map((column) => (row[column.key] === undefined ? '' : column.cell(row, reference))),
      ]);
    }
  }
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column].length)));
  const render = (cells) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  return [render(header), render(widths.map((width) => '-'.repeat(width))), ...lines.map(render)].join('\n');
}
