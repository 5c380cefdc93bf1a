/** How a refusal says when the member may try again, in UTC since the server knows no time zone. */

const minute = 60 * 1000;
const hour = 60 * minute;
const day = 24 * hour;

/** "at 14:32 UTC (in 4 minutes)", or "on 2025-03-07 at 09:00 UTC (in 3 days)" past today. */
export function formatWhenUtc(at: Date, now: Date): string {
  // Shown to the minute, rounded up, so the time named is never one that is refused.
  const shown = new Date(Math.ceil(at.getTime() / minute) * minute);
  const iso = shown.toISOString();
  const sameDay = iso.slice(0, 10) === now.toISOString().slice(0, 10);
  const clock = `at ${iso.slice(11, 16)} UTC`;
  return `${sameDay ? clock : `on ${iso.slice(0, 10)} ${clock}`} (in ${describeWait(shown.getTime() - now.getTime())})`;
}

function describeWait(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / minute));
  if (minutes < 120) return minutes === 1 ? '1 minute' : `${minutes} minutes`;
  const hours = Math.round(ms / hour);
  if (hours < 48) return `about ${hours} hours`;
  return `about ${Math.round(ms / day)} days`;
}
