/**
 * `coterie members import` against a real database, on every engine: what each export
 * adds and skips, that a second run changes nothing, and that a dry run writes nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../db/client.ts';
import { members, suppressions } from '../../db/schema.ts';
import { runCommand, type CommandContext } from '../../src/server/cli/run-command.ts';
import { importSubscribers, type ImportReport } from '../../src/server/newsletter/import/import-subscribers.ts';
import { parseSubscriberCsv } from '../../src/server/newsletter/import/parse-subscriber-csv.ts';
import { cleanupEngines, testEngines } from '../support/test-database.ts';

const engines = testEngines();
const scratch = mkdtempSync(join(tmpdir(), 'coterie-import-test-'));
afterAll(async () => {
  await cleanupEngines(engines);
  rmSync(scratch, { recursive: true, force: true });
});

const fixtures = join(import.meta.dirname, 'fixtures');
const now = new Date('2026-03-01T09:00:00Z');

describe.each(engines)('importing subscribers on $name', (engine) => {
  let handle: DatabaseHandle;
  let context: CommandContext;
  beforeAll(async () => {
    handle = await engine.open();
    context = { db: handle.db, tiers: [], now };
  });
  const coterie = (...args: string[]) => runCommand(['members', 'import', ...args], context);
  const importJson = async (file: string, ...flags: string[]): Promise<ImportReport & { file: string }> => {
    const result = await coterie(join(fixtures, file), '--json', ...flags);
    if (result.exitCode !== 0) throw new Error(result.output);
    return JSON.parse(result.output);
  };
  const state = async () => ({
    members: await handle.db
      .select({ email: members.email, name: members.name, newsletter: members.newsletter, emailVerifiedAt: members.emailVerifiedAt })
      .from(members)
      .orderBy(asc(members.email)),
    suppressions: await handle.db.select({ email: suppressions.email, reason: suppressions.reason, detail: suppressions.detail }).from(suppressions).orderBy(asc(suppressions.email)),
  });

  it('a dry run reports what would happen and writes nothing', async () => {
    const before = await state();
    const report = await importJson('substack-subscribers.csv', '--dry-run');
    expect(report).toMatchObject({ layout: 'substack', dryRun: true, added: 3, skippedUnsubscribed: 2, invalid: { count: 1, first: [{ line: 6, value: 'not-an-address' }] } });
    expect(await state()).toEqual(before);
  });

  it('adds a Substack list as subscribers without pretending they verified, and suppresses who left', async () => {
    const report = await importJson('substack-subscribers.csv');
    expect(report).toEqual({
      file: join(fixtures, 'substack-subscribers.csv'),
      layout: 'substack',
      dryRun: false,
      added: 3,
      alreadySubscribed: 0,
      keptUnsubscribed: 0,
      skippedUnsubscribed: 2,
      skippedSuppressed: 0,
      duplicates: 0,
      invalid: { count: 1, first: [{ line: 6, value: 'not-an-address' }] },
    });
    const { members: people, suppressions: suppressed } = await state();
    expect(people).toEqual([
      { email: 'badger.fan@example.com', name: null, newsletter: 'subscribed', emailVerifiedAt: null },
      { email: 'lapsed.payer@example.com', name: null, newsletter: 'subscribed', emailVerifiedAt: null },
      { email: 'wren.reader@example.com', name: null, newsletter: 'subscribed', emailVerifiedAt: null },
    ]);
    expect(suppressed).toEqual([
      { email: 'gone.quiet@example.com', reason: 'imported', detail: 'substack-subscribers.csv line 4: email disabled on Substack' },
      { email: 'x9y8z7w6@deletion-request.substack.com', reason: 'imported', detail: 'substack-subscribers.csv line 5: account deleted on Substack' },
    ]);
  });

  it('running the same file again changes nothing', async () => {
    const before = await state();
    const again = await importJson('substack-subscribers.csv');
    expect(again).toMatchObject({ added: 0, alreadySubscribed: 3, skippedUnsubscribed: 2, skippedSuppressed: 0 });
    expect(await state()).toEqual(before);
  });

  it('leaves members here as they chose, and skips suppressed addresses', async () => {
    await handle.db.insert(members).values([
      { email: 'moth.keeper@example.com', newsletter: 'unsubscribed', name: 'Their Own Name' },
      { email: 'quiet.one@example.com', newsletter: 'subscribed' },
    ]);
    await handle.db.insert(suppressions).values({ email: 'hedge.watcher@example.com', reason: 'complained', detail: 'evt_1' });
    const report = await importJson('ghost-members.csv');
    expect(report).toMatchObject({
      layout: 'ghost',
      added: 0,
      alreadySubscribed: 0,
      // moth.keeper turned the newsletter off here: the old list does not turn it back on.
      keptUnsubscribed: 1,
      skippedUnsubscribed: 2,
      skippedSuppressed: 1,
      invalid: { count: 1, first: [{ line: 7, value: '' }] },
    });
    const after = await state();
    expect(after.members.find((person) => person.email === 'moth.keeper@example.com')).toMatchObject({ newsletter: 'unsubscribed', name: 'Their Own Name' });
    expect(after.members.some((person) => person.email === 'hedge.watcher@example.com')).toBe(false);
    // The complaint is not overwritten by the import's reason.
    expect(after.suppressions.find((row) => row.email === 'hedge.watcher@example.com')).toMatchObject({ reason: 'complained', detail: 'evt_1' });
    expect(after.suppressions.find((row) => row.email === 'quiet.one@example.com')).toMatchObject({ reason: 'imported' });
  });

  it('reads all three Mailchimp exports, names included, an address listed twice counted once', async () => {
    expect(await importJson('mailchimp-subscribed.csv')).toMatchObject({
      layout: 'mailchimp',
      added: 2,
      duplicates: 1,
      invalid: { count: 1, first: [{ line: 5, value: 'bramble@@example.com' }] },
    });
    expect(await importJson('mailchimp-unsubscribed.csv')).toMatchObject({ added: 0, skippedUnsubscribed: 2 });
    expect(await importJson('mailchimp-cleaned.csv')).toMatchObject({ added: 0, skippedUnsubscribed: 1 });
    const after = await state();
    expect(after.members.filter((person) => ['fern.walker@example.com', 'owl.hours@example.com'].includes(person.email))).toEqual([
      { email: 'fern.walker@example.com', name: 'Fern Walker', newsletter: 'subscribed', emailVerifiedAt: null },
      { email: 'owl.hours@example.com', name: 'Olive', newsletter: 'subscribed', emailVerifiedAt: null },
    ]);
    expect(after.suppressions.filter((row) => row.detail.startsWith('mailchimp')).map((row) => row.email)).toEqual([
      'bounced.box@example.com',
      'done.reading@example.com',
      'too.many@example.com',
    ]);
  });

  it('an address both in and out of one file is read as out', async () => {
    const parsed = parseSubscriberCsv('email,email_disabled\ntwice@example.com,false\nTWICE@example.com,true\n');
    if (!parsed.ok) throw new Error(parsed.error);
    const report = await importSubscribers(handle.db, parsed, { dryRun: false, source: 'twice.csv' });
    expect(report).toMatchObject({ added: 0, skippedUnsubscribed: 1, duplicates: 1 });
    expect(await handle.db.select().from(members).where(eq(members.email, 'twice@example.com'))).toEqual([]);
  });

  it('imports in chunks, each in its own transaction, with the same result', async () => {
    const rows = Array.from({ length: 23 }, (_, index) => `chunk${index}@example.com,${index % 5 === 0 ? 'true' : 'false'}`);
    const parsed = parseSubscriberCsv(`email,email_disabled\n${rows.join('\n')}\n`);
    if (!parsed.ok) throw new Error(parsed.error);
    const report = await importSubscribers(handle.db, parsed, { dryRun: false, source: 'chunks.csv', chunkSize: 4 });
    expect(report).toMatchObject({ added: 18, skippedUnsubscribed: 5 });
    const again = await importSubscribers(handle.db, parsed, { dryRun: false, source: 'chunks.csv', chunkSize: 7 });
    expect(again).toMatchObject({ added: 0, alreadySubscribed: 18, skippedUnsubscribed: 5 });
  });

  it('prints a short summary for people, with the invalid lines', async () => {
    const result = await coterie(join(fixtures, 'ghost-members.csv'), '--dry-run');
    expect(result.exitCode).toBe(0);
    expect(result.output.split('\n')[0]).toBe('Dry run of ghost-members.csv (Ghost export): nothing was written. Without --dry-run:');
    expect(result.output).toContain('would be added as subscribers');
    expect(result.output).toContain('line 7: (empty)');
  });

  it('refuses a missing file, a file of another shape and a missing argument, each saying what to do', async () => {
    const missing = await coterie(join(scratch, 'nope.csv'));
    expect(missing).toEqual({ exitCode: 1, output: `${join(scratch, 'nope.csv')} does not exist. Give the path of the CSV file the old platform exported.` });

    const odd = join(scratch, 'odd.csv');
    writeFileSync(odd, 'E-mail,Full name\nx@example.com,X\n');
    const wrongShape = await coterie(odd);
    expect(wrongShape.exitCode).toBe(1);
    expect(wrongShape.output).toMatch(new RegExp(`^${odd.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: its first line has the columns "E-mail", "Full name"`));

    const usage = await runCommand(['members', 'import'], context);
    expect(usage.exitCode).toBe(2);
    expect(usage.output).toContain('members import needs <file.csv>');
    expect(usage.output).toContain('coterie members import <file.csv> [--dry-run] [--json]');
  });
});
