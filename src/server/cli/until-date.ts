/**
 * `--until YYYY-MM-DD`: the last day of access, inclusive, in UTC — so "until
 * 2026-03-31" still entitles at 23:59 on the 31st, whatever the server's time zone.
 */

/** The last instant of the given UTC day, or undefined when the text is not a real YYYY-MM-DD date. */
export function parseUntilDate(text: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const end = new Date(Date.UTC(year, month - 1, day, 23, 59, 59, 999));
  // Date.UTC rolls 2026-02-30 over into March; a date that does not round-trip was not real.
  return end.getUTCFullYear() === year && end.getUTCMonth() === month - 1 && end.getUTCDate() === day ? end : undefined;
}

/** The UTC day of an instant, as YYYY-MM-DD. */
export function formatDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
