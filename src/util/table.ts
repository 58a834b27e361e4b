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

/** Lays out rows of cells (e.g. `--help` flags and their descriptions) as aligned, indented columns. */
export function formatColumns(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, column) => (widths[column] = Math.max(widths[column] ?? 0, cell.length)));
  return rows.map((row) => `  ${row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ')}`).join('\n');
}
