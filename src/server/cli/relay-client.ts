/** The CLI side of the relay: send argv to the running server, read back its answer. */
import { messageOf } from '../../../db/error-message.ts';
import type { CommandResult } from './command-result.ts';
import type { RelayDescription } from './relay-file.ts';
import { parseJsonRecord } from '../../../db/json-record.ts';

export type RelayOutcome =
  | { ok: true; result: CommandResult }
  /** unreachable: nothing answered at the url; refused: something answered, but not with a result. */
  | { ok: false; reason: 'unreachable' | 'refused'; message: string };

export async function sendToRelay(relay: RelayDescription, argv: readonly string[]): Promise<RelayOutcome> {
  let response: Response;
  try {
    response = await fetch(relay.url, {
      method: 'POST',
      headers: { Authorization: `Bearer ${relay.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ argv }),
      // A relay card pointing somewhere else must not bounce the token onwards.
      redirect: 'error',
    });
  } catch (error) {
    return { ok: false, reason: 'unreachable', message: messageOf(error instanceof TypeError && error.cause ? error.cause : error) };
  }
  const result = parseResult(await response.text().catch(() => ''));
  // A failed command arrives as a 500 carrying its one line.
  if ((response.status === 200 || response.status === 500) && result !== undefined) return { ok: true, result };
  const why =
    response.status === 401
      ? 'it did not accept the token in the relay card; restart the server'
      : response.status === 404
        ? 'it takes no CLI commands at that address'
        : `it answered HTTP ${response.status}`;
  return { ok: false, reason: 'refused', message: why };
}

function parseResult(text: string): CommandResult | undefined {
  const fields = parseJsonRecord(text);
  if (fields === undefined) return undefined;
  const { exitCode, output } = fields;
  if (typeof exitCode !== 'number' || !Number.isInteger(exitCode) || exitCode < 0 || exitCode > 255) return undefined;
  return typeof output === 'string' ? { exitCode, output } : undefined;
}
