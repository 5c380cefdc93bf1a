/**
 * Reading subscriber exports: RFC 4180 CSV as real exports write it, and what each
 * platform's columns say about consent. Literal inputs, plus the fixture files.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsvRecords } from '../../src/server/newsletter/import/csv-records.ts';
import { parseSubscriberCsv, type ParsedSubscriberCsv } from '../../src/server/newsletter/import/parse-subscriber-csv.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../integration/fixtures', name), 'utf8');

function parsed(text: string): Extract<ParsedSubscriberCsv, { ok: true }> {
  const result = parseSubscriberCsv(text);
  if (!result.ok) throw new Error(result.error);
  return result;
}

describe('CSV records', () => {
  it('reads quoted commas, escaped quotes and line breaks inside quotes', () => {
    const reading = readCsvRecords('a,"b, c","say ""hi""","two\nlines"\nd,e,f,g\n');
    expect(reading).toEqual({
      ok: true,
      records: [
        { line: 1, fields: ['a', 'b, c', 'say "hi"', 'two\nlines'] },
        // The record after a quoted line break starts on the file's third line.
        { line: 3, fields: ['d', 'e', 'f', 'g'] },
      ],
    });
  });

  it('takes CRLF, LF and bare CR line endings, and drops a byte order mark', () => {
    expect(readCsvRecords('\uFEFFx,y\r\n1,2\r\n3,4\r5,6')).toEqual({
      ok: true,
      records: [
        { line: 1, fields: ['x', 'y'] },
        { line: 2, fields: ['1', '2'] },
        { line: 3, fields: ['3', '4'] },
        { line: 4, fields: ['5', '6'] },
      ],
    });
  });

  it('skips blank lines but keeps empty fields', () => {
    expect(readCsvRecords('a,b\n\n,\n"",x\n\n')).toEqual({
      ok: true,
      records: [
        { line: 1, fields: ['a', 'b'] },
        { line: 3, fields: ['', ''] },
        { line: 4, fields: ['', 'x'] },
      ],
    });
  });

  it('keeps stray quotes in unquoted fields as written', () => {
    expect(readCsvRecords('5" tall,"quoted"tail')).toEqual({ ok: true, records: [{ line: 1, fields: ['5" tall', 'quotedtail'] }] });
  });

  it('names the line where a quote is never closed', () => {
    expect(readCsvRecords('email\nok@example.com\n"broken@example.com\nmore')).toEqual({
      ok: false,
      error: 'line 3: a quoted field opens here and is never closed (a " is missing).',
    });
  });
});

describe('subscriber exports', () => {
  it('reads a Substack export: email_disabled is the opt-out, active_subscription is about paying', () => {
    const result = parsed(fixture('substack-subscribers.csv'));
    expect(result.layout).toBe('substack');
    expect(result.rows).toEqual([
      { line: 2, email: 'wren.reader@example.com', subscribed: true },
      { line: 3, email: 'badger.fan@example.com', subscribed: true },
      { line: 4, email: 'gone.quiet@example.com', subscribed: false, reason: 'email disabled on Substack' },
      { line: 5, email: 'x9y8z7w6@deletion-request.substack.com', subscribed: false, reason: 'account deleted on Substack' },
      { line: 7, email: 'lapsed.payer@example.com', subscribed: true },
    ]);
    expect(result.invalid).toEqual([{ line: 6, value: 'not-an-address' }]);
  });

  it('reads a Ghost export, with names, deleted members and a note spanning two lines', () => {
    const result = parsed(fixture('ghost-members.csv'));
    expect(result.layout).toBe('ghost');
    expect(result.rows).toEqual([
      { line: 2, email: 'moth.keeper@example.com', name: 'Moss, Ada', subscribed: true },
      { line: 3, email: 'quiet.one@example.com', name: 'Quinn Reed', subscribed: false, reason: 'not subscribed to emails on Ghost' },
      { line: 4, email: 'left.us@example.com', name: 'Lee Gone', subscribed: false, reason: 'deleted on Ghost' },
      { line: 5, email: 'hedge.watcher@example.com', name: 'Hedge Watcher', subscribed: true },
    ]);
    expect(result.invalid).toEqual([{ line: 7, value: '' }]);
  });

  it('reads the three Mailchimp exports (with their byte order mark and CRLF)', () => {
    const subscribed = parsed(fixture('mailchimp-subscribed.csv'));
    expect(subscribed.layout).toBe('mailchimp');
    expect(subscribed.rows).toEqual([
      { line: 2, email: 'fern.walker@example.com', name: 'Fern Walker', subscribed: true },
      { line: 3, email: 'owl.hours@example.com', name: 'Olive', subscribed: true },
      { line: 4, email: 'fern.walker@example.com', name: 'Fern Walker', subscribed: true },
    ]);
    expect(subscribed.invalid).toEqual([{ line: 5, value: 'bramble@@example.com' }]);

    expect(parsed(fixture('mailchimp-unsubscribed.csv')).rows).toEqual([
      { line: 2, email: 'done.reading@example.com', name: 'Dana Reed', subscribed: false, reason: 'unsubscribed on Mailchimp' },
      { line: 3, email: 'too.many@example.com', subscribed: false, reason: 'unsubscribed on Mailchimp' },
    ]);
    expect(parsed(fixture('mailchimp-cleaned.csv')).rows).toEqual([
      { line: 2, email: 'bounced.box@example.com', name: 'Bo Unce', subscribed: false, reason: 'cleaned (bounced) on Mailchimp' },
    ]);
  });

  it('counts only a clear yes as consent', () => {
    const ghost = 'email,subscribed_to_emails\na@example.com,TRUE\nb@example.com,\nc@example.com,maybe\n';
    expect(parsed(ghost).rows.map((row) => row.subscribed)).toEqual([true, false, false]);
    const substack = 'email,email_disabled\na@example.com,\nb@example.com,yes\nc@example.com,unknown\n';
    expect(parsed(substack).rows.map((row) => row.subscribed)).toEqual([true, false, false]);
  });

  it('matches column names whatever their case and spacing, and reads short rows as empty', () => {
    const result = parsed(' EMAIL ADDRESS ,First Name\nshort@example.com\n');
    expect(result.layout).toBe('mailchimp');
    expect(result.rows).toEqual([{ line: 2, email: 'short@example.com', subscribed: true }]);
  });

  it('refuses a file of another shape, naming its columns and the ones each export needs', () => {
    const result = parseSubscriberCsv('E-mail,Full name\nx@example.com,X\n');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toContain('"E-mail", "Full name"');
    expect(result.error).toContain('email and email_disabled');
    expect(result.error).toContain('email and subscribed_to_emails');
    expect(result.error).toContain('"Email Address"');
  });

  it('refuses an empty file and passes on a broken quote', () => {
    expect(parseSubscriberCsv('')).toMatchObject({ ok: false, error: expect.stringContaining('the file is empty') });
    expect(parseSubscriberCsv('email,email_disabled\n"a@example.com,false\n')).toMatchObject({ ok: false, error: expect.stringContaining('line 2') });
  });
});
