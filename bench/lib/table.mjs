// The benchmark's report: one table, each contender's medians and its ratio to the group's reference.

const MB = 1024 * 1024;

function formatBytes(bytes) {
  if (bytes === undefined) return '';
  if (bytes >= 1024 * MB) return `${(bytes / 1024 / MB).toFixed(2)} GB`;
  if (bytes >= MB) return `${(bytes / MB).toFixed(1)} MB`;
  return `${(bytes / 1024).toFixed(0)} kB`;
}

/** Rows grouped by `group`; in each, the row marked `reference` is what the others are divided by. */
export function formatTable(rows) {
  const header = ['case', 'run', 'median s', 'MB/s', 'output', 'peak RSS', 'time vs reference'];
  const lines = [];
  for (const group of [...new Set(rows.map((row) => row.group))]) {
    const members = rows.filter((row) => row.group === group);
    const reference = members.find((row) => row.reference);
    for (const row of members) {
      lines.push([
        group,
        row.label,
        row.seconds.toFixed(row.seconds < 1 ? 3 : 2),
        row.inputBytes ? (row.inputBytes / MB / row.seconds).toFixed(0) : '',
        formatBytes(row.outputBytes),
        formatBytes(row.peakRss),
        row.reference ? 'reference' : reference ? `${(row.seconds / reference.seconds).toFixed(2)}x` : '',
      ]);
    }
  }
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column].length)));
  const render = (cells) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  return [render(header), render(widths.map((width) => '-'.repeat(width))), ...lines.map(render)].join('\n');
}
