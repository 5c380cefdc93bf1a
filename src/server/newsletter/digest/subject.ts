/**
 * The subject line from newsletter.yaml's template. The schema already refused unknown
 * placeholders, so every `{…}` here is one we fill.
 */
import type { subjectPlaceholders } from '../../../schemas/newsletter.ts';

export type SubjectValues = Record<(typeof subjectPlaceholders)[number], string>;

export function renderSubject(template: string, values: SubjectValues): string {
  const filled = template.replace(/\{(name|date|topPost|count)\}/g, (_, key: keyof SubjectValues) => values[key]);
  // One line whatever a title holds: a line break would end the header.
  return filled.replace(/\s+/g, ' ').trim();
}

/** "23 November 2026" in the site's language, on the calendar of the schedule's time zone. */
export function longDate(instant: Date, language: string, timeZone: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone }).format(instant);
}
