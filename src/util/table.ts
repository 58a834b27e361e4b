/**
 * A header row and data rows as aligned columns, two spaces apart. The last column is not padded,
 * so lines carry no trailing spaces.
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  return all.map((row) =>
    header.map((_, column) => (column === header.length - 1 ? (row[column] ?? '') : (row[column] ?? '').padEnd(widths[column] ?? 0))).join('  '),
  );
}
