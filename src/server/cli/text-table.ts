/** Plain aligned columns for people reading a terminal. */

/**
 * Rows (the first being the heading) as left-aligned columns two spaces apart. Members
 * choose their own names, so control characters are replaced: an escape sequence in a
 * name must not be able to rewrite the creator's terminal.
 */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const cells = rows.map((row) => row.map(printable));
  const widths: number[] = [];
  for (const row of cells) {
    row.forEach((cell, column) => {
      widths[column] = Math.max(widths[column] ?? 0, cell.length);
    });
  }
  return cells.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ')).join('\n');
}

export function printable(text: string): string {
  // C0 controls, DEL and C1 controls (which include the 8-bit escape introducer).
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}
