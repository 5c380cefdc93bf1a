/**
 * When scheduled digests go out: the slots of a schedule such as "every Monday at 09:00
 * in Europe/London", as instants. Pure: the clock is always passed in.
 *
 * Slots are computed on the wall clock of the schedule's time zone, so 09:00 stays 09:00
 * across daylight-saving changes. A time that does not exist on a spring-forward day
 * moves forward by the gap (02:30 becomes 03:30), as people expect of an alarm clock.
 */

export const weekdays = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type Weekday = (typeof weekdays)[number];

export type Schedule =
  | 'off'
  | { every: 'day'; time: string; timeZone: string }
  | { every: 'week'; day: Weekday; time: string; timeZone: string }
  | { every: 'month'; day: number; time: string; timeZone: string };

const dayMs = 24 * 60 * 60 * 1000;
// Monthly slots are at most 31 days apart; scanning a little further is always enough.
const scanDays = 40;

/** The first slot strictly after `after`, or undefined when scheduled sending is off. */
export function nextSlot(schedule: Schedule, after: Date): Date | undefined {
  if (schedule === 'off') return undefined;
  const start = localDate(after, schedule.timeZone);
  for (let offset = 0; offset <= scanDays; offset += 1) {
    const slot = slotOn(schedule, addDays(start, offset));
    if (slot && slot.getTime() > after.getTime()) return slot;
  }
  return undefined;
}

/** The latest slot at or before `at`, or undefined when sending is off. */
export function latestSlot(schedule: Schedule, at: Date): Date | undefined {
  if (schedule === 'off') return undefined;
  const start = localDate(at, schedule.timeZone);
  for (let offset = 0; offset <= scanDays; offset += 1) {
    const slot = slotOn(schedule, addDays(start, -offset));
    if (slot && slot.getTime() <= at.getTime()) return slot;
  }
  return undefined;
}

interface LocalDate {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
}

function slotOn(schedule: Exclude<Schedule, 'off'>, date: LocalDate): Date | undefined {
  if (schedule.every === 'week' && weekdays[weekdayOf(date)] !== schedule.day) return undefined;
  if (schedule.every === 'month' && date.day !== schedule.day) return undefined;
  const [hour, minute] = schedule.time.split(':').map(Number) as [number, number];
  return zonedInstant(date, hour, minute, schedule.timeZone);
}

/** The instant at which the wall clock in `timeZone` shows the date and time given. */
export function zonedInstant(date: LocalDate, hour: number, minute: number, timeZone: string): Date {
  const wall = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  // Two passes: the offset at the first guess can differ from the offset at the answer
  // when a daylight-saving change falls between them.
  const first = wall - offsetMs(new Date(wall), timeZone);
  return new Date(wall - offsetMs(new Date(first), timeZone));
}

/** How far the wall clock in `timeZone` is ahead of UTC at `instant`. */
function offsetMs(instant: Date, timeZone: string): number {
  const parts = wallClock(instant, timeZone);
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

function localDate(instant: Date, timeZone: string): LocalDate {
  const { year, month, day } = wallClock(instant, timeZone);
  return { year, month, day };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function wallClock(instant: Date, timeZone: string) {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  const parts = format.formatToParts(instant);
  const value = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  return { year: value('year'), month: value('month'), day: value('day'), hour: value('hour'), minute: value('minute'), second: value('second') };
}

function addDays(date: LocalDate, days: number): LocalDate {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day) + days * dayMs);
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

function weekdayOf(date: LocalDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}
