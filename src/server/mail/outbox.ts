/**
 * The file outbox: the mailer used when no email provider is configured. Each message
 * is one JSON file, and its links are printed to the terminal, so signing in works
 * offline on a laptop.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { z } from 'astro/zod';
import type { Email, Mailer, SentEmail } from './email.ts';
import { findHttpLinks } from './text-links.ts';

/** `COTERIE_OUTBOX_DIR`, or `data/outbox` under the working directory. */
export function outboxDir(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  return resolve(cwd, env.COTERIE_OUTBOX_DIR?.trim() || 'data/outbox');
}

// A timestamp (so names sort by time, `:` and `.` made file-name safe) and a random part.
// Ids come back from URLs, so this pattern is also the guard against path traversal.
const idPattern = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z-[0-9a-f]{12}$/;

const storedSchema = z.object({
  id: z.string(),
  sentAt: z.string(),
  from: z.string(),
  to: z.string(),
  subject: z.string(),
  html: z.string(),
  text: z.string(),
  replyTo: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  idempotencyKey: z.string().optional(),
  tag: z.string().optional(),
});

/** One message as the outbox keeps it. */
export type OutboxMessage = z.infer<typeof storedSchema>;
export type OutboxSummary = Pick<OutboxMessage, 'id' | 'to' | 'subject' | 'sentAt' | 'tag'>;

export interface OutboxOptions {
  dir?: string;
  /** Where the one-block summary of each message goes; the terminal by default. */
  log?: (line: string) => void;
}

export function createOutboxMailer({ dir = outboxDir(), log = console.log }: OutboxOptions = {}): Mailer {
  const mailer: Mailer = {
    kind: 'outbox',
    // One file per email, each under its own key: a repeated batch finds them all claimed.
    async sendBatch(emails, { idempotencyKey }) {
      const sent: SentEmail[] = [];
      for (const [index, email] of emails.entries()) {
        sent.push(await mailer.send({ ...email, idempotencyKey: email.idempotencyKey ?? `${idempotencyKey}/${index}` }));
      }
      return sent;
    },
    async send(email: Email): Promise<SentEmail> {
      // Owner-only: these messages hold live sign-in links.
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const repeat = email.idempotencyKey ? await claimedId(dir, email.idempotencyKey) : undefined;
      if (repeat) return { id: repeat };

      const sentAt = nextTimestamp();
      const id = `${sentAt.toISOString().replace(/[:.]/g, '-')}-${randomBytes(6).toString('hex')}`;
      const message: OutboxMessage = { id, sentAt: sentAt.toISOString(), ...email };
      const file = join(dir, `${id}.json`);
      // Write then rename: a reader (the outbox page, a test) never sees half a file.
      const temp = join(dir, `.${id}.tmp`);
      await writeFile(temp, JSON.stringify(message, null, 2), { mode: 0o600 });
      await rename(temp, file);
      if (email.idempotencyKey) await writeFile(keyFile(dir, email.idempotencyKey), id, { mode: 0o600 });

      log(summaryBlock(email, file));
      return { id };
    },
  };
  return mailer;
}

/** Every message in the outbox, newest first; an absent folder is an empty outbox. */
export async function listOutbox(dir: string): Promise<OutboxSummary[]> {
  const names = await readdir(dir).catch((error: unknown) => (isMissing(error) ? [] : Promise.reject(error)));
  const ids = names
    .filter((name) => name.endsWith('.json'))
    .map((name) => name.slice(0, -'.json'.length))
    .filter((id) => idPattern.test(id))
    .sort()
    .reverse();
  const messages = await Promise.all(ids.map((id) => readOutboxMessage(dir, id)));
  return messages
    .filter((message) => message !== undefined)
    .map(({ id, to, subject, sentAt, tag }) => ({ id, to, subject, sentAt, tag }));
}

/** One message, or undefined for an unknown, malformed or unreadable id. */
export async function readOutboxMessage(dir: string, id: string): Promise<OutboxMessage | undefined> {
  if (!idPattern.test(id)) return undefined;
  let raw: string;
  try {
    raw = await readFile(join(dir, `${id}.json`), 'utf8');
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
  const parsed = storedSchema.safeParse(safeJson(raw));
  return parsed.success && parsed.data.id === id ? parsed.data : undefined;
}

function summaryBlock(email: Email, file: string): string {
  const inProject = relative(process.cwd(), file);
  const lines = [
    `✉  Email to ${email.to} (not sent: no email provider is configured)`,
    `   Subject: ${email.subject}`,
    ...findHttpLinks(email.text).map((link) => `   ${link}`),
    `   Saved in ${inProject && !inProject.startsWith('..') ? inProject : file}`,
  ];
  // Control characters in a subject could drive the terminal (colours, cursor moves).
  return lines.map((line) => line.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')).join('\n');
}

// The keys live beside the messages under a hashed name: a key is caller text, not a file name.
function keyFile(dir: string, key: string): string {
  return join(dir, `.key-${createHash('sha256').update(key).digest('hex')}`);
}

async function claimedId(dir: string, key: string): Promise<string | undefined> {
  try {
    const id = (await readFile(keyFile(dir, key), 'utf8')).trim();
    return idPattern.test(id) ? id : undefined;
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

let lastTime = 0;
// Strictly increasing within the process, so two messages in one millisecond still list in order.
function nextTimestamp(): Date {
  lastTime = Math.max(Date.now(), lastTime + 1);
  return new Date(lastTime);
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function isMissing(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}
