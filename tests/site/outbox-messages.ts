import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One email as the site's file outbox writes it. */
export type OutboxMessage = { id: string; sentAt: string; from: string; to: string; subject: string; html: string; text: string; tag?: string };

const giveUpAfterMs = 10_000;
const pollEveryMs = 50;

/**
 * The newest email to `to` in the outbox (sent at or after `after`, when given), waiting
 * for the server to write it. Throws, naming what is there, if none comes within ~10 s.
 */
export async function waitForEmail(outboxDir: string, to: string, { after }: { after?: Date } = {}): Promise<OutboxMessage> {
  const deadline = Date.now() + giveUpAfterMs;
  for (;;) {
    const messages = await readOutbox(outboxDir);
    const match = messages.find((message) => message.to === to && (!after || new Date(message.sentAt) >= after));
    if (match) return match;
    if (Date.now() > deadline) {
      const seen = messages.map((message) => `${message.sentAt} to ${message.to}: ${message.subject}`).join('\n  ') || '(none)';
      throw new Error(`No email to ${to}${after ? ` sent after ${after.toISOString()}` : ''} reached ${outboxDir} within ${giveUpAfterMs / 1000} s. The outbox holds:\n  ${seen}`);
    }
    await new Promise((wake) => setTimeout(wake, pollEveryMs));
  }
}

/** The /signin/confirm link in an email's text. */
export function linkIn(message: OutboxMessage): string {
  const link = /https?:\/\/[^\s<>"']+\/signin\/confirm\?token=[A-Za-z0-9_-]+/.exec(message.text)?.[0];
  if (!link) throw new Error(`The email "${message.subject}" to ${message.to} has no /signin/confirm link:\n${message.text}`);
  return link;
}

/** The sign-in code (XXXX-XXXX) in an email's text. */
export function codeIn(message: OutboxMessage): string {
  const code = /\b([0-9A-Z]{4}-[0-9A-Z]{4})\b/.exec(message.text)?.[1];
  if (!code) throw new Error(`The email "${message.subject}" to ${message.to} has no XXXX-XXXX code:\n${message.text}`);
  return code;
}

/** Every finished message in the folder, newest first; a folder not made yet is empty. */
export async function readOutbox(dir: string): Promise<OutboxMessage[]> {
  const names = await readdir(dir).catch((error: unknown) => {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return [];
    throw error;
  });
  // The server writes `.id.tmp` and renames it, so a `.json` file is always whole.
  const files = names.filter((name) => name.endsWith('.json') && !name.startsWith('.')).sort().reverse();
  const messages = await Promise.all(files.map(async (name) => parseMessage(await readFile(join(dir, name), 'utf8'), name)));
  return messages.sort((a, b) => b.sentAt.localeCompare(a.sentAt));
}

function parseMessage(raw: string, file: string): OutboxMessage {
  const data: unknown = JSON.parse(raw);
  const fields = ['id', 'sentAt', 'from', 'to', 'subject', 'html', 'text'] as const;
  if (typeof data !== 'object' || data === null) throw new Error(`Outbox file ${file} is not a JSON object.`);
  const record: Record<string, unknown> = Object.fromEntries(Object.entries(data));
  const missing = fields.filter((field) => typeof record[field] !== 'string');
  if (missing.length > 0) throw new Error(`Outbox file ${file} lacks ${missing.join(', ')}.`);
  const text = (field: (typeof fields)[number]) => String(record[field]);
  return {
    id: text('id'),
    sentAt: text('sentAt'),
    from: text('from'),
    to: text('to'),
    subject: text('subject'),
    html: text('html'),
    text: text('text'),
    ...(typeof record.tag === 'string' ? { tag: record.tag } : {}),
  };
}
