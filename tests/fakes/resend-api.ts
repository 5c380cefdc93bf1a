/**
 * A fake of Resend's HTTP API on a loopback port, for driving the official SDK (and
 * so our `mail/resend.ts`) without the network. Point the SDK at `url`.
 *
 * Modelled: `POST /emails` and `POST /emails/batch` (strict mode, at most 100 emails);
 * `Authorization: Bearer <key>` (401 missing, 403 wrong); required `from`, `to`,
 * `subject` and the `from` address format, with Resend's `{ statusCode, name, message }`
 * errors; `Idempotency-Key` (1–256 characters; same key and body replays the first
 * answer and records no new email; same key with another body is a 409); forced 429s
 * with `Retry-After`, and 500s, for the next N requests; an optional delay before each
 * answer. Every request is recorded, answered or not.
 *
 * Not modelled: any other endpoint (404), attachments, templates, scheduling, the
 * permissive batch mode, the 24-hour expiry of idempotency keys, concurrent requests
 * with one key, real rate limits and quotas, domain verification, the 40 MB size limit.
 * Error messages follow Resend's documented ones but are not byte-for-byte copies.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, or the raw text when it was not JSON. */
  body: unknown;
  /** The status the fake answered with. */
  status: number;
}

/** An email the fake accepted, with the API's own field names. */
export interface FakeEmail {
  id: string;
  from: string;
  to: string[];
  subject: string;
  html?: string;
  text?: string;
  reply_to?: string[];
  headers?: Record<string, string>;
  tags?: { name: string; value: string }[];
  idempotencyKey?: string;
}

export interface FakeResendApi {
  url: string;
  apiKey: string;
  requests: RecordedRequest[];
  emails: FakeEmail[];
  /** Answer the next `count` authenticated requests with 429 (and `Retry-After: 1`) or 500. */
  failNext(status: 429 | 500, count?: number): void;
  close(): Promise<void>;
}

type Answer = { status: number; body: unknown; headers?: Record<string, string> };

const maxBatch = 100;

export interface FakeResendOptions {
  apiKey?: string;
  /**
   * Milliseconds between accepting a request and answering it, as a real API over a real
   * network takes: a sender killed in that gap has sent emails it never heard about.
   */
  latencyMs?: number;
}

export async function startFakeResendApi({ apiKey = 're_test_fake_key', latencyMs = 0 }: FakeResendOptions = {}): Promise<FakeResendApi> {
  const requests: RecordedRequest[] = [];
  const emails: FakeEmail[] = [];
  const idempotent = new Map<string, { fingerprint: string; answer: Answer }>();
  let failures: { status: 429 | 500; remaining: number } | undefined;

  function handle(method: string, path: string, headers: IncomingMessage['headers'], body: unknown, rawBody: string): Answer {
    const auth = headers.authorization;
    if (!auth) return error(401, 'missing_api_key', 'Missing API key in the authorization header.');
    if (auth !== `Bearer ${apiKey}`) return error(403, 'invalid_api_key', 'API key is invalid.');

    if (failures && failures.remaining > 0) {
      failures.remaining -= 1;
      return failures.status === 429
        ? { ...error(429, 'rate_limit_exceeded', 'Too many requests. Please limit the number of requests per second.'), headers: { 'retry-after': '1' } }
        : error(500, 'internal_server_error', 'An unexpected error occurred.');
    }

    if (path !== '/emails' && path !== '/emails/batch') return error(404, 'not_found', 'The requested endpoint does not exist.');
    if (method !== 'POST') return error(405, 'method_not_allowed', 'Method is not allowed for the requested path.');
    if (body === undefined) return error(400, 'validation_error', 'Invalid JSON in the request body.');

    const key = headers['idempotency-key'];
    if (typeof key === 'string') {
      if (key.length < 1 || key.length > 256) return error(400, 'invalid_idempotency_key', 'The key must be between 1-256 chars.');
      const earlier = idempotent.get(key);
      const fingerprint = `${path}\n${rawBody}`;
      if (earlier) {
        return earlier.fingerprint === fingerprint
          ? earlier.answer
          : error(409, 'invalid_idempotent_request', 'Same idempotency key used with a different request payload.');
      }
      const answer = create(path, body, key);
      // Only accepted requests are kept: a refused one may be fixed and retried with its key.
      if (answer.status < 300) idempotent.set(key, { fingerprint, answer });
      return answer;
    }
    return create(path, body, undefined);
  }

  function create(path: string, body: unknown, idempotencyKey: string | undefined): Answer {
    if (path === '/emails') {
      const parsed = parseEmail(body, '');
      if (isAnswer(parsed)) return parsed;
      const email = { id: randomUUID(), ...parsed, idempotencyKey };
      emails.push(email);
      return { status: 200, body: { id: email.id } };
    }
    if (!Array.isArray(body)) return error(422, 'validation_error', 'The request body must be an array of emails.');
    if (body.length === 0) return error(422, 'validation_error', 'The request body must contain at least 1 email.');
    if (body.length > maxBatch) return error(422, 'validation_error', `Too many emails in one batch: the maximum is ${maxBatch}.`);
    const parsed = body.map((item: unknown, index) => parseEmail(item, `emails[${index}]: `));
    // Strict mode: one invalid email refuses the whole batch.
    const refused = parsed.find(isAnswer);
    if (refused) return refused;
    const accepted = parsed.flatMap((item) => (isAnswer(item) ? [] : [{ id: randomUUID(), ...item, idempotencyKey }]));
    emails.push(...accepted);
    return { status: 200, body: { data: accepted.map(({ id }) => ({ id })) } };
  }

  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const rawBody = await readBody(request);
    const path = new URL(request.url ?? '/', 'http://fake').pathname;
    const method = request.method ?? 'GET';
    const body = parseJson(rawBody);
    const answer = handle(method, path, request.headers, body, rawBody);
    requests.push({ method, path, headers: { ...request.headers }, body: body ?? rawBody, status: answer.status });
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    response.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    requests,
    emails,
    failNext(status, count = 1) {
      failures = { status, remaining: count };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((closeError) => (closeError ? reject(closeError) : resolve()));
      }),
  };
}

// `email@example.com` or `Name <email@example.com>`, as Resend accepts in `from`.
const fromPattern = /^(?:[^<>]*<[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+)$/;

function parseEmail(value: unknown, where: string): Omit<FakeEmail, 'id' | 'idempotencyKey'> | Answer {
  if (!isRecord(value)) return error(422, 'validation_error', `${where}The email must be a JSON object.`);
  for (const field of ['from', 'to', 'subject'] as const) {
    if (value[field] === undefined || value[field] === null || value[field] === '') {
      return error(422, 'missing_required_field', `${where}Missing \`${field}\` field.`);
    }
  }
  const { from, subject, html, text, headers, tags } = value;
  if (typeof from !== 'string' || !fromPattern.test(from.trim())) {
    return error(422, 'validation_error', `${where}Invalid \`from\` field. The email address needs to follow the \`email@example.com\` or \`Name <email@example.com>\` format.`);
  }
  const to = stringList(value.to);
  if (!to || to.length > 50) return error(422, 'validation_error', `${where}Invalid \`to\` field: give 1 to 50 addresses.`);
  if (typeof subject !== 'string') return error(422, 'validation_error', `${where}Invalid \`subject\` field.`);
  const replyTo = value.reply_to === undefined ? undefined : stringList(value.reply_to);
  if (value.reply_to !== undefined && !replyTo) return error(422, 'validation_error', `${where}Invalid \`reply_to\` field.`);
  return {
    from,
    to,
    subject,
    html: typeof html === 'string' ? html : undefined,
    text: typeof text === 'string' ? text : undefined,
    reply_to: replyTo,
    headers: isRecord(headers) ? Object.fromEntries(Object.entries(headers).map(([name, v]) => [name, String(v)])) : undefined,
    tags: Array.isArray(tags) ? tags.filter(isRecord).map((tag) => ({ name: String(tag.name), value: String(tag.value) })) : undefined,
  };
}

function isAnswer(value: Omit<FakeEmail, 'id' | 'idempotencyKey'> | Answer): value is Answer {
  return 'status' in value;
}

function error(status: number, name: string, message: string): Answer {
  return { status, body: { statusCode: status, name, message } };
}

function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string' && value) return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string' && item)) return value;
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
