/**
 * A subscriber export (Substack, Ghost or Mailchimp) as rows to import. Pure: the
 * file's text in, each row's address, name and consent out, with the rows whose
 * address cannot be one set apart by line number.
 */
import { parseEmail } from '../../members/email-address.ts';
import { readCsvRecords } from './csv-records.ts';
import { columnKey, detectLayout, layoutRequirements, readLayoutRow, type SubscriberLayout } from './subscriber-layouts.ts';

export interface SubscriberRow {
  /** The file line the row starts on. */
  line: number;
  /** Normalized (trimmed, lower-cased). */
  email: string;
  name?: string;
  /** False when the old platform says the address unsubscribed, bounced or was deleted. */
  subscribed: boolean;
  /** Why it is not subscribed, in the platform's terms. */
  reason?: string;
}

export interface InvalidRow {
  line: number;
  /** What the address column held, as written. */
  value: string;
}

export type ParsedSubscriberCsv =
  | { ok: true; layout: SubscriberLayout; rows: SubscriberRow[]; invalid: InvalidRow[] }
  | { ok: false; error: string };

export function parseSubscriberCsv(text: string): ParsedSubscriberCsv {
  const reading = readCsvRecords(text);
  if (!reading.ok) return reading;
  const [header, ...records] = reading.records;
  if (!header) return { ok: false, error: `the file is empty: ${layoutRequirements}.` };
  const layout = detectLayout(header.fields);
  if (!layout) {
    const found = header.fields.map((name) => `"${name.trim()}"`).join(', ');
    return { ok: false, error: `its first line has the columns ${found}, which match no export we read: ${layoutRequirements}.` };
  }

  const positions = new Map<string, number>();
  // The first of two same-named columns wins, as spreadsheet tools read them.
  header.fields.forEach((name, index) => {
    if (!positions.has(columnKey(name))) positions.set(columnKey(name), index);
  });
  const rows: SubscriberRow[] = [];
  const invalid: InvalidRow[] = [];
  for (const record of records) {
    const cells = (column: string) => {
      const index = positions.get(column);
      return index === undefined ? '' : (record.fields[index] ?? '');
    };
    const row = readLayoutRow(layout, cells);
    const email = parseEmail(row.email);
    if (!email) {
      invalid.push({ line: record.line, value: row.email });
      continue;
    }
    rows.push({ line: record.line, ...row, email });
  }
  return { ok: true, layout, rows, invalid };
}
