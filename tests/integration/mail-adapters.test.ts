/**
 * The two mailers for real: the outbox on a real folder, and the Resend adapter through
 * the official SDK against a fake of Resend's HTTP API on a loopback port.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { MailSendError, type Email } from '../../src/server/mail/email.ts';
import { createMailer, getMailer, setMailerForTests } from '../../src/server/mail/mailer.ts';
import { createOutboxMailer, listOutbox, readOutboxMessage } from '../../src/server/mail/outbox.ts';
import { createResendMailer } from '../../src/server/mail/resend.ts';
import { startFakeResendApi, type FakeResendApi } from '../fakes/resend-api.ts';

const signInEmail: Email = {
  from: 'Field Notes <hello@field-notes.example>',
  to: 'ada@example.com',
  subject: 'Sign in to Field Notes',
  html: '<p>Sign in</p>',
  text: 'Sign in: http://localhost:4321/auth/verify?token=tok_1.\nOr see https://field-notes.example/help',
  replyTo: 'creator@field-notes.example',
  headers: { 'X-Entity-Ref-ID': 'login-1' },
  tag: 'sign-in',
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coterie-outbox-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  setMailerForTests(undefined);
  await rm(dir, { recursive: true, force: true });
});

describe('outbox mailer', () => {
  it('writes each message as one JSON file and reads it back', async () => {
    const mailer = createOutboxMailer({ dir, log: () => {} });
    const { id } = await mailer.send(signInEmail);

    expect(await readdir(dir)).toEqual([`${id}.json`]);
    const stored = JSON.parse(await readFile(join(dir, `${id}.json`), 'utf8'));
    expect(stored).toMatchObject({ id, to: 'ada@example.com', subject: 'Sign in to Field Notes', text: signInEmail.text, tag: 'sign-in' });

    const message = await readOutboxMessage(dir, id);
    expect(message).toEqual({ ...signInEmail, id, sentAt: stored.sentAt });
    expect(Date.parse(message?.sentAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
  });

  it('prints the recipient, subject and every link, so the sign-in link is one click away', async () => {
    const lines: string[] = [];
    await createOutboxMailer({ dir, log: (line) => lines.push(line) }).send(signInEmail);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('ada@example.com');
    expect(lines[0]).toContain('Sign in to Field Notes');
    expect(lines[0]).toContain('http://localhost:4321/auth/verify?token=tok_1\n');
    expect(lines[0]).toContain('https://field-notes.example/help');
  });

  it('prints no control characters, which could drive the terminal', async () => {
    const lines: string[] = [];
    await createOutboxMailer({ dir, log: (line) => lines.push(line) }).send({ ...signInEmail, subject: 'Hi \u001b[2J\u001b]8;;x\u0007there' });
    expect(lines[0]).toContain('Hi  [2J ]8;;x there');
    expect(lines[0]).not.toMatch(/[\u001b\u0007]/);
  });

  it('lists messages newest first, even within one millisecond', async () => {
    const mailer = createOutboxMailer({ dir, log: () => {} });
    const sent = [];
    for (const to of ['first@example.com', 'second@example.com', 'third@example.com']) {
      sent.push((await mailer.send({ ...signInEmail, to, tag: undefined })).id);
    }
    const listed = await listOutbox(dir);
    expect(listed.map((message) => message.to)).toEqual(['third@example.com', 'second@example.com', 'first@example.com']);
    expect(listed[0]).toEqual({ id: sent[2], to: 'third@example.com', subject: signInEmail.subject, sentAt: expect.any(String), tag: undefined });
  });

  it('lists an absent folder as empty and skips files that are not messages', async () => {
    expect(await listOutbox(join(dir, 'missing'))).toEqual([]);
    await writeFile(join(dir, 'notes.json'), '{}');
    await writeFile(join(dir, '2025-01-01T00-00-00-000Z-000000000000.json'), 'not json');
    expect(await listOutbox(dir)).toEqual([]);
  });

  it('rejects ids that could reach outside the folder', async () => {
    const outbox = join(dir, 'outbox');
    const { id } = await createOutboxMailer({ dir: outbox, log: () => {} }).send(signInEmail);
    // A valid message one level up, which a traversing id would find.
    const stored = JSON.parse(await readFile(join(outbox, `${id}.json`), 'utf8'));
    await writeFile(join(dir, 'secret.json'), JSON.stringify({ ...stored, id: '../secret' }));

    for (const hostile of ['../secret', `../outbox/${id}`, `${id}/../../secret`, join(dir, 'secret'), '..%2Fsecret', `${id}.json`, ` ${id}`, '']) {
      expect(await readOutboxMessage(outbox, hostile)).toBeUndefined();
    }
    expect(await readOutboxMessage(outbox, id)).toBeDefined();
    expect(await readOutboxMessage(outbox, '2025-01-01T00-00-00-000Z-000000000000')).toBeUndefined();
  });

  it('keeps one message per idempotency key, like the provider', async () => {
    const mailer = createOutboxMailer({ dir, log: () => {} });
    const first = await mailer.send({ ...signInEmail, idempotencyKey: 'login-1' });
    const repeat = await mailer.send({ ...signInEmail, idempotencyKey: 'login-1' });
    const other = await mailer.send({ ...signInEmail, idempotencyKey: 'login-2' });
    expect(repeat.id).toBe(first.id);
    expect(other.id).not.toBe(first.id);
    expect(await listOutbox(dir)).toHaveLength(2);
  });
});

describe('Resend mailer against a fake Resend API', () => {
  let api: FakeResendApi;
  beforeAll(async () => {
    api = await startFakeResendApi({ apiKey: 're_secret_key_123' });
  });
  afterAll(() => api.close());
  beforeEach(() => {
    api.requests.length = 0;
    api.emails.length = 0;
  });
  const mailer = () => createResendMailer({ apiKey: api.apiKey, baseUrl: api.url });

  it('sends every field through the official SDK, with the API key', async () => {
    const { id } = await mailer().send(signInEmail);
    expect(api.emails).toEqual([
      {
        id,
        from: signInEmail.from,
        to: ['ada@example.com'],
        subject: signInEmail.subject,
        html: signInEmail.html,
        text: signInEmail.text,
        reply_to: ['creator@field-notes.example'],
        headers: { 'X-Entity-Ref-ID': 'login-1' },
        tags: [{ name: 'category', value: 'sign-in' }],
        idempotencyKey: undefined,
      },
    ]);
    expect(api.requests[0]?.headers.authorization).toBe('Bearer re_secret_key_123');
  });

  it('passes the idempotency key, so a retried send creates one email', async () => {
    const first = await mailer().send({ ...signInEmail, idempotencyKey: 'sign-in/tok_1' });
    const retry = await mailer().send({ ...signInEmail, idempotencyKey: 'sign-in/tok_1' });
    expect(retry.id).toBe(first.id);
    expect(api.requests.map((request) => request.headers['idempotency-key'])).toEqual(['sign-in/tok_1', 'sign-in/tok_1']);
    expect(api.emails).toHaveLength(1);

    await expect(mailer().send({ ...signInEmail, subject: 'Another', idempotencyKey: 'sign-in/tok_1' })).rejects.toThrow(/invalid_idempotent_request/);
  });

  it('throws a refusal as an error naming the reason, not retryable, without the key', async () => {
    const error = await mailer().send({ ...signInEmail, from: '' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MailSendError);
    const refusal = error as MailSendError;
    expect(refusal.message).toMatch(/missing_required_field \(HTTP 422\): Missing `from` field/);
    expect(refusal.retryable).toBe(false);
    for (const shown of [refusal.message, String(refusal.stack), JSON.stringify(refusal.cause)]) {
      expect(shown).not.toContain('re_secret_key_123');
    }
  });

  it('says a wrong key is wrong, without printing it', async () => {
    const wrong = createResendMailer({ apiKey: 're_wrong_key_456', baseUrl: api.url });
    const error = await wrong.send(signInEmail).catch((caught: unknown) => caught);
    expect(String(error)).toMatch(/invalid_api_key \(HTTP 403\)/);
    expect(String(error)).not.toContain('re_wrong_key_456');
  });

  it('redacts the key even when the provider echoes it back', async () => {
    const echo = createServer((request, response) => {
      response.writeHead(400, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ statusCode: 400, name: 'validation_error', message: `Bad header: ${request.headers.authorization}` }));
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    try {
      const baseUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
      const error = await createResendMailer({ apiKey: 're_echoed_789', baseUrl }).send(signInEmail).catch((caught: unknown) => caught);
      expect(String(error)).toContain('Bad header: Bearer [api key]');
      expect(String(error)).not.toContain('re_echoed_789');
    } finally {
      echo.close();
    }
  });

  it('marks rate limits and outages as retryable, with the wait Resend asks for', async () => {
    api.failNext(429);
    const limited = await mailer().send(signInEmail).catch((caught: unknown) => caught);
    expect(limited).toMatchObject({ retryable: true, retryAfterSeconds: 1 });
    expect(String(limited)).toMatch(/rate_limit_exceeded \(HTTP 429\)/);

    api.failNext(500, 2);
    for (let attempt = 0; attempt < 2; attempt++) {
      await expect(mailer().send(signInEmail)).rejects.toMatchObject({ retryable: true, retryAfterSeconds: undefined });
    }
    await expect(mailer().send(signInEmail)).resolves.toEqual({ id: expect.any(String) });
    expect(api.emails).toHaveLength(1);
  });

  it('treats an unreachable API as retryable', async () => {
    const closed = await startFakeResendApi();
    await closed.close();
    await expect(createResendMailer({ apiKey: 're_x', baseUrl: closed.url }).send(signInEmail)).rejects.toMatchObject({ retryable: true });
  });
});

describe('createMailer and getMailer', () => {
  it('uses Resend when RESEND_API_KEY is set, honouring RESEND_BASE_URL', async () => {
    const api = await startFakeResendApi({ apiKey: 're_env_key' });
    try {
      const mailer = createMailer({ RESEND_API_KEY: ' re_env_key ', RESEND_BASE_URL: api.url, COTERIE_OUTBOX_DIR: dir });
      expect(mailer.kind).toBe('resend');
      await mailer.send(signInEmail);
      expect(api.emails.map((email) => email.to)).toEqual([['ada@example.com']]);
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await api.close();
    }
  });

  it('uses the outbox in COTERIE_OUTBOX_DIR when the key is unset or blank', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    for (const env of [{ COTERIE_OUTBOX_DIR: dir }, { COTERIE_OUTBOX_DIR: dir, RESEND_API_KEY: '   ' }]) {
      const mailer = createMailer(env);
      expect(mailer.kind).toBe('outbox');
      await mailer.send(signInEmail);
    }
    expect(await listOutbox(dir)).toHaveLength(2);
    expect(log).toHaveBeenCalledTimes(2);
    expect(String(log.mock.calls[0]?.[0])).toContain('http://localhost:4321/auth/verify?token=tok_1');
  });

  it('shares one mailer through globalThis, replaceable and resettable by tests', () => {
    vi.stubEnv('RESEND_API_KEY', '');
    vi.stubEnv('COTERIE_OUTBOX_DIR', dir);
    const first = getMailer();
    expect(getMailer()).toBe(first);
    // The start script and the server bundle each load mailer.ts; both must see this one.
    expect((globalThis as Record<symbol, unknown>)[Symbol.for('coterie.mailer')]).toBe(first);

    const fake = { kind: 'outbox' as const, send: async () => ({ id: 'fake' }), sendBatch: async () => [] };
    setMailerForTests(fake);
    expect(getMailer()).toBe(fake);

    setMailerForTests(undefined);
    vi.stubEnv('RESEND_API_KEY', 're_now_set');
    expect(getMailer().kind).toBe('resend');
  });
});

describe('the fake Resend API itself', () => {
  let api: FakeResendApi;
  beforeAll(async () => {
    api = await startFakeResendApi();
  });
  afterAll(() => api.close());

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${api.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.apiKey}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const email = (index: number) => ({ from: 'a@field-notes.example', to: `m${index}@example.com`, subject: 'Digest', text: 'Hi' });

  it('accepts a batch of 100 and refuses 101 with a Resend-shaped error', async () => {
    const before = api.emails.length;
    const ok = await post('/emails/batch', Array.from({ length: 100 }, (_, index) => email(index)));
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { data: unknown[] }).data).toHaveLength(100);

    const tooMany = await post('/emails/batch', Array.from({ length: 101 }, (_, index) => email(index)));
    expect(tooMany.status).toBe(422);
    expect(await tooMany.json()).toMatchObject({ statusCode: 422, name: 'validation_error' });
    expect(api.emails.length - before).toBe(100);
  });

  it('refuses a whole batch when one email lacks a field', async () => {
    const before = api.emails.length;
    const response = await post('/emails/batch', [email(1), { ...email(2), subject: undefined }]);
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ statusCode: 422, name: 'missing_required_field', message: 'emails[1]: Missing `subject` field.' });
    expect(api.emails.length).toBe(before);
  });

  it('asks for the key, and refuses a wrong one', async () => {
    expect((await post('/emails', email(1), { authorization: '' })).status).toBe(401);
    expect((await post('/emails', email(1), { authorization: 'Bearer re_nope' })).status).toBe(403);
  });

  it('replays an idempotent batch without recording it twice', async () => {
    const before = api.emails.length;
    const batch = [email(1), email(2)];
    const first = await (await post('/emails/batch', batch, { 'idempotency-key': 'digest-7/batch-1' })).json();
    const again = await (await post('/emails/batch', batch, { 'idempotency-key': 'digest-7/batch-1' })).json();
    expect(again).toEqual(first);
    expect(api.emails.length - before).toBe(2);
    expect((await post('/emails/batch', [email(3)], { 'idempotency-key': 'digest-7/batch-1' })).status).toBe(409);
  });
});
