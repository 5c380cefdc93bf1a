/**
 * Brings a subscriber list from another platform into the members table. People on an
 * imported list opted in there, so new addresses become members with the newsletter on
 * (but no verified address: they proved nothing here). Everyone already here keeps the
 * state they chose here. Addresses the list says left are recorded as suppressed, so no
 * later import or campaign can email them. Running the same file twice changes nothing
 * the second time; a dry run reads the same rows and writes nothing.
 */
import { inArray } from 'drizzle-orm';
import type { Database } from '../../../../db/client.ts';
import { members, suppressions, type NewMember } from '../../../../db/schema.ts';
import { nameMaxLength } from '../../account/profile.ts';
import type { InvalidRow, SubscriberRow } from './parse-subscriber-csv.ts';
import type { SubscriberLayout } from './subscriber-layouts.ts';

export interface ImportReport {
  layout: SubscriberLayout;
  dryRun: boolean;
  /** New members with the newsletter on (with a dry run: who would be). */
  added: number;
  /** Members here who already get the newsletter. */
  alreadySubscribed: number;
  /** Members here who turned the newsletter off, or whose mail bounced or complained: left as they are. */
  keptUnsubscribed: number;
  /** Rows the file marks unsubscribed, cleaned, disabled or deleted; recorded as suppressed. */
  skippedUnsubscribed: number;
  /** Addresses already suppressed here (bounced, complained, unsubscribed, or an earlier import). */
  skippedSuppressed: number;
  /** Rows repeating an address seen earlier in the file. */
  duplicates: number;
  invalid: { count: number; /** The first few, for the creator to find in the file. */ first: InvalidRow[] };
}

export interface ImportOptions {
  dryRun: boolean;
  /** Where the rows came from (the file's name), noted with each suppression it records. */
  source: string;
  /** Rows per transaction: a failure part-way keeps what earlier chunks did, and rerunning finishes the rest. */
  chunkSize?: number;
}

const shownInvalid = 10;

export async function importSubscribers(
  db: Database,
  parsed: { layout: SubscriberLayout; rows: readonly SubscriberRow[]; invalid: readonly InvalidRow[] },
  options: ImportOptions,
): Promise<ImportReport> {
  const { rows, duplicates } = oncePerAddress(parsed.rows);
  const report: ImportReport = {
    layout: parsed.layout,
    dryRun: options.dryRun,
    added: 0,
    alreadySubscribed: 0,
    keptUnsubscribed: 0,
    skippedUnsubscribed: 0,
    skippedSuppressed: 0,
    duplicates,
    invalid: { count: parsed.invalid.length, first: parsed.invalid.slice(0, shownInvalid) },
  };
  const chunkSize = options.chunkSize ?? 500;
  for (let start = 0; start < rows.length; start += chunkSize) {
    await db.transaction((tx) => importChunk(tx, rows.slice(start, start + chunkSize), options, report));
  }
  return report;
}

type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

async function importChunk(tx: Transaction, rows: readonly SubscriberRow[], options: ImportOptions, report: ImportReport): Promise<void> {
  const emails = rows.map((row) => row.email);
  const suppressed = new Set((await tx.select({ email: suppressions.email }).from(suppressions).where(inArray(suppressions.email, emails))).map((row) => row.email));
  const existing = new Map(
    (await tx.select({ email: members.email, newsletter: members.newsletter }).from(members).where(inArray(members.email, emails))).map((row) => [row.email, row.newsletter]),
  );

  const toSuppress: (typeof suppressions.$inferInsert)[] = [];
  const toAdd: NewMember[] = [];
  for (const row of rows) {
    if (!row.subscribed) {
      report.skippedUnsubscribed += 1;
      if (!suppressed.has(row.email)) {
        toSuppress.push({ email: row.email, reason: 'imported', detail: `${options.source} line ${row.line}: ${row.reason ?? 'not subscribed'}` });
      }
    } else if (suppressed.has(row.email)) {
      report.skippedSuppressed += 1;
    } else if (existing.has(row.email)) {
      if (existing.get(row.email) === 'subscribed') report.alreadySubscribed += 1;
      else report.keptUnsubscribed += 1;
    } else {
      toAdd.push({ email: row.email, name: row.name?.slice(0, nameMaxLength) ?? null, newsletter: 'subscribed' });
    }
  }
  if (options.dryRun) {
    report.added += toAdd.length;
    return;
  }
  if (toSuppress.length > 0) await tx.insert(suppressions).values(toSuppress).onConflictDoNothing({ target: suppressions.email });
  if (toAdd.length > 0) {
    const added = new Set(
      (await tx.insert(members).values(toAdd).onConflictDoNothing({ target: members.email }).returning({ email: members.email })).map((row) => row.email),
    );
    report.added += added.size;
    // Someone who joined between the read and the insert made their own choice; it stands.
    const raced = toAdd.map((row) => row.email).filter((email) => !added.has(email));
    if (raced.length > 0) {
      for (const row of await tx.select({ newsletter: members.newsletter }).from(members).where(inArray(members.email, raced))) {
        if (row.newsletter === 'subscribed') report.alreadySubscribed += 1;
        else report.keptUnsubscribed += 1;
      }
    }
  }
}

/**
 * One row per address. When a file lists an address twice, "not subscribed" wins: an
 * export that says both is safer read as no.
 */
function oncePerAddress(rows: readonly SubscriberRow[]): { rows: SubscriberRow[]; duplicates: number } {
  const byEmail = new Map<string, SubscriberRow>();
  let duplicates = 0;
  for (const row of rows) {
    const seen = byEmail.get(row.email);
    if (!seen) {
      byEmail.set(row.email, row);
      continue;
    }
    duplicates += 1;
    if (seen.subscribed && !row.subscribed) byEmail.set(row.email, { ...row, name: seen.name ?? row.name });
  }
  return { rows: [...byEmail.values()], duplicates };
}
