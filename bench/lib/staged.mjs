/** The staged bytes a source run reports; a warning (a file skipped) would make the comparison meaningless. */
export function stagedBytes(result) {
  const report = JSON.parse(result.last.stdout);
  if (report.warnings.length > 0) throw new Error(`${result.label}: ${report.warnings.join('; ')}`);
  return report.bytes;
}
