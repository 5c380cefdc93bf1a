/**
 * The relay's HTTP exchange, framework-free (a fetch Request in, a Response out), so
 * `src/pages/api/cli.ts` is a thin shell and tests can serve it from node:http.
 *
 *   POST <url>   Authorization: Bearer <token>   { "argv": ["members", "list"] }
 *   → 200 { "exitCode": 0, "output": "…" }
 */
import { messageOf } from '../../../db/error-message.ts';
import type { CommandResult } from './command-result.ts';
import { checkRelayToken } from './relay.ts';

// Generous for any real command line, small enough that no request can be made huge.
const maxArguments = 64;
const maxArgumentLength = 4096;

export interface RelayOptions {
  /** The expected token; undefined when this server started no relay (as under `astro dev`). */
  token: string | undefined;
  run(argv: string[]): Promise<CommandResult>;
}

export async function answerRelayRequest(request: Request, { token, run }: RelayOptions): Promise<Response> {
  // No relay, no endpoint: nothing here for anyone to probe.
  if (token === undefined) return reply(404, { error: 'not found' });
  if (request.method !== 'POST') return reply(405, { error: 'use POST' }, { Allow: 'POST' });
  if (!checkRelayToken(request.headers.get('authorization'), token)) {
    return reply(401, { error: 'bad or missing token' }, { 'WWW-Authenticate': 'Bearer' });
  }
  let body: unknown;
  try {
    body = JSON.parse(await request.text());
  } catch {
    return reply(400, { error: 'the body must be JSON: { "argv": [strings] }' });
  }
  const argv = parseRelayBody(body);
  if (argv === undefined) return reply(400, { error: `the body must be exactly { "argv": [strings] }, at most ${maxArguments} of them` });

  try {
    const result = await run(argv);
    return reply(200, result);
  } catch (error) {
    // The command broke, not the request: the CLI shows one line, the server log the rest.
    console.error('A relayed CLI command failed:', argv, error);
    return reply(500, { exitCode: 1, output: `The command failed in the server: ${messageOf(error)} (details in the server log).` } satisfies CommandResult);
  }
}

/** The argv from a relay body, or undefined for anything but exactly `{ argv: string[] }`. */
export function parseRelayBody(body: unknown): string[] | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const keys = Object.keys(body);
  if (keys.length !== 1 || keys[0] !== 'argv') return undefined;
  const { argv } = body as { argv: unknown };
  if (!Array.isArray(argv) || argv.length > maxArguments) return undefined;
  return argv.every((arg) => typeof arg === 'string' && arg.length <= maxArgumentLength) ? (argv as string[]) : undefined;
}

function reply(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers },
  });
}
