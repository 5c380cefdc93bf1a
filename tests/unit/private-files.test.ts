/**
 * What Coterie writes on disk is its owner's alone: folders 0700, files 0600, and a
 * warning at start for a data folder left open to other accounts.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { privateFolderWarnings } from '../../src/server/config/private-folders.ts';
import { startCliRelay } from '../../src/server/cli/relay.ts';
import { relayFilePath } from '../../src/server/cli/relay-file.ts';
import { createOutboxMailer } from '../../src/server/mail/outbox.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function scratch(): string {
  const folder = mkdtempSync(join(tmpdir(), 'coterie-private-files-'));
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('files Coterie writes', () => {
  it('keeps outbox messages (live sign-in links) and their folder owner-only', async () => {
    const dir = join(scratch(), 'data', 'outbox');
    const mailer = createOutboxMailer({ dir, log: () => {} });
    await mailer.send({ from: 'a@example.com', to: 'b@example.com', subject: 'Sign in', html: '<p>x</p>', text: 'x', idempotencyKey: 'k1' });

    expect(modeOf(dir)).toBe(0o700);
    expect(modeOf(join(dir, '..'))).toBe(0o700);
    const files = readdirSync(dir);
    expect(files.some((name) => name.endsWith('.json'))).toBe(true);
    expect(files.some((name) => name.startsWith('.key-'))).toBe(true);
    for (const name of files) expect({ name, mode: modeOf(join(dir, name)) }).toEqual({ name, mode: 0o600 });
  });

  it('keeps the CLI relay card owner-only', () => {
    const dataDir = scratch();
    const relay = startCliRelay({ dataDir, url: 'http://127.0.0.1:4321/api/cli' });
    cleanups.push(() => relay.stop());
    expect(modeOf(relayFilePath(dataDir))).toBe(0o600);
  });
});

describe('the start-up warning about open data folders', () => {
  it('names a data folder others may read, and the chmod that fixes it', () => {
    const project = scratch();
    mkdirSync(join(project, 'data', 'pglite'), { recursive: true });
    chmodSync(join(project, 'data'), 0o755);
    chmodSync(join(project, 'data', 'pglite'), 0o755);

    const warnings = privateFolderWarnings({}, project);
    // One line for ./data: making it owner-only covers the folders inside it.
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${join(project, 'data')} is open to other users of this machine (mode 0755)`);
    expect(warnings[0]).toContain(`chmod 700 ${join(project, 'data')}`);
  });

  it('names configured folders outside ./data one by one, and stays quiet about owner-only ones', () => {
    const project = scratch();
    const database = join(project, 'srv', 'db');
    const outbox = join(project, 'srv', 'mail');
    mkdirSync(database, { recursive: true, mode: 0o700 });
    mkdirSync(outbox, { recursive: true });
    chmodSync(outbox, 0o750);
    const env = { COTERIE_DATA_DIR: database, COTERIE_OUTBOX_DIR: outbox };

    expect(privateFolderWarnings(env, project)).toEqual([
      `${outbox} is open to other users of this machine (mode 0750), and it holds the database, sign-in emails or the server secret. Make it owner-only: chmod 700 ${outbox}`,
    ]);
    chmodSync(outbox, 0o700);
    expect(privateFolderWarnings(env, project)).toEqual([]);
  });

  it('says nothing about folders that do not exist yet', () => {
    expect(privateFolderWarnings({}, scratch())).toEqual([]);
  });
});
