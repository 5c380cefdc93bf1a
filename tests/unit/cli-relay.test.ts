import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chooseDatabase } from '../../src/server/cli/choose-database.ts';
import { answerRelayRequest } from '../../src/server/cli/relay-endpoint.ts';
import { parseRelayDescription, relayFileName } from '../../src/server/cli/relay-file.ts';
import { checkRelayToken, currentRelayToken, startCliRelay } from '../../src/server/cli/relay.ts';

const token = 'k3Jx2nD8qTz0wVbYc5LmR1sHf7gPa4UeN9oAiZ6tXyE';

describe('checkRelayToken', () => {
  it('accepts exactly "Bearer <token>"', () => {
    expect(checkRelayToken(`Bearer ${token}`, token)).toBe(true);
    expect(checkRelayToken(`bearer ${token}`, token)).toBe(true);
  });

  it('refuses anything else', () => {
    for (const header of [null, '', token, `Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`, `Basic ${token}`, 'Bearer ', `Bearer ${token} extra`]) {
      expect(checkRelayToken(header, token), String(header)).toBe(false);
    }
    expect(checkRelayToken('Bearer ', '')).toBe(false);
  });
});

describe('answerRelayRequest', () => {
  const ran: string[][] = [];
  const options = {
    token,
    run: async (argv: string[]) => {
      ran.push(argv);
      return { exitCode: 0, output: `ran ${argv.join(' ')}` };
    },
  };
  const post = (body: string, authorization = `Bearer ${token}`) =>
    new Request('http://127.0.0.1/api/cli', { method: 'POST', headers: { authorization }, body });
  afterEach(() => {
    ran.length = 0;
  });

  it('runs the argv and answers its result', async () => {
    const response = await answerRelayRequest(post('{"argv":["members","list"]}'), options);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ exitCode: 0, output: 'ran members list' });
  });

  it('is not there at all when no relay was started', async () => {
    expect((await answerRelayRequest(post('{"argv":[]}'), { ...options, token: undefined })).status).toBe(404);
  });

  it('refuses a bad token and runs nothing', async () => {
    const response = await answerRelayRequest(post('{"argv":["members","list"]}', 'Bearer wrong'), options);
    expect(response.status).toBe(401);
    expect(ran).toEqual([]);
  });

  it('refuses any body but exactly { argv: string[] }', async () => {
    for (const body of ['', 'argv', '[]', 'null', '{"argv":"members list"}', '{"argv":[1]}', '{"argv":[],"as":"root"}', JSON.stringify({ argv: Array(65).fill('x') })]) {
      expect((await answerRelayRequest(post(body), options)).status, body).toBe(400);
    }
    expect(ran).toEqual([]);
  });

  it('turns a command that throws into exit code 1 with one line', async () => {
    const failing = { token, run: async () => Promise.reject(new Error('disk full')) };
    const original = console.error;
    console.error = () => {};
    try {
      const response = await answerRelayRequest(post('{"argv":["members","list"]}'), failing);
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ exitCode: 1, output: 'The command failed in the server: disk full (details in the server log).' });
    } finally {
      console.error = original;
    }
  });
});

describe('chooseDatabase', () => {
  const holder = { pid: 4242, command: 'node scripts/start.ts', startedAt: '2030-01-01T00:00:00.000Z' };
  const relay = { url: 'http://127.0.0.1:4321/api/cli', token, pid: 4242 };
  const dataDir = '/srv/coterie/data/pglite';

  it('prefers DATABASE_URL, then a free folder, then the holder\'s relay', () => {
    expect(chooseDatabase({ databaseUrl: ' postgres://db/x ', dataDir, holder, relay })).toEqual({ kind: 'postgres', url: 'postgres://db/x' });
    expect(chooseDatabase({ databaseUrl: '', dataDir, holder: undefined, relay })).toEqual({ kind: 'pglite', dataDir });
    expect(chooseDatabase({ databaseUrl: undefined, dataDir, holder, relay })).toEqual({ kind: 'relay', relay });
  });

  it('refuses a held folder without a relay, or with a card from another process', () => {
    for (const card of [undefined, { ...relay, pid: 4243 }]) {
      const choice = chooseDatabase({ databaseUrl: undefined, dataDir, holder, relay: card });
      expect(choice.kind).toBe('refuse');
      if (choice.kind !== 'refuse') continue;
      expect(choice.message).toContain(`${dataDir} is in use by pid 4242 ("node scripts/start.ts")`);
      expect(choice.message).toMatch(/Stop that process.*`npm start`.*DATABASE_URL/);
    }
  });
});

describe('startCliRelay', () => {
  it('writes a private card with a fresh token, and removes only its own card', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'coterie-relay-'));
    try {
      const path = join(dataDir, relayFileName);
      const first = startCliRelay({ dataDir, url: 'http://127.0.0.1:4321/api/cli' });
      expect(parseRelayDescription(readFileSync(path, 'utf8'))).toEqual({ url: 'http://127.0.0.1:4321/api/cli', token: first.token, pid: process.pid });
      expect(currentRelayToken()).toBe(first.token);
      first.stop();
      expect(existsSync(path)).toBe(false);
      expect(currentRelayToken()).toBeUndefined();

      const second = startCliRelay({ dataDir, url: 'http://127.0.0.1:4321/api/cli' });
      expect(second.token).not.toBe(first.token);
      // Another server took the folder over and wrote its own card: ours must not remove it.
      writeFileSync(path, JSON.stringify({ url: 'http://127.0.0.1:5000/api/cli', token: 'theirs', pid: 1 }));
      second.stop();
      expect(parseRelayDescription(readFileSync(path, 'utf8'))?.token).toBe('theirs');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
