/**
 * The server's own secret, for signing links it must recognise later without storing
 * them (the "stop these emails" link). `COTERIE_SECRET` when set — needed when several
 * servers share one Postgres, so they sign alike — else a random secret made on first
 * use and kept in `coterie-secret` beside the database folder (`./data/coterie-secret`
 * by default; next to `COTERIE_DATA_DIR` when that is set), readable by its owner only.
 * Changing it voids every link already emailed.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { defaultDataDir } from '../../../db/client.ts';

/** Shorter secrets are refused: a guessable key would let anyone forge links. */
export const minimumSecretLength = 32;

/** Where the generated secret is kept for this environment. */
export function appSecretFile(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  return join(dirname(defaultDataDir(cwd, env)), 'coterie-secret');
}

/** `COTERIE_SECRET`, or the secret in `file`, created there if there is none. */
export function loadAppSecret(env: NodeJS.ProcessEnv = process.env, file: string = appSecretFile(env)): string {
  const configured = env.COTERIE_SECRET?.trim();
  if (configured !== undefined && configured !== '') {
    if (configured.length < minimumSecretLength) {
      throw new Error(
        `COTERIE_SECRET must be at least ${minimumSecretLength} characters long (it is ${configured.length}). ` +
          'Generate one with: node -e "console.log(require(\'crypto\').randomBytes(32).toString(\'hex\'))"',
      );
    }
    return configured;
  }
  return readSecretFile(file) ?? createSecretFile(file);
}

function readSecretFile(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`Could not read the server secret in ${file}.`, { cause: error });
  }
  if (text.length < minimumSecretLength) {
    throw new Error(`${file} holds no usable secret (fewer than ${minimumSecretLength} characters). Delete it to make a new one, or set COTERIE_SECRET.`);
  }
  return text;
}

function createSecretFile(file: string): string {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('hex');
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, `${secret}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600); // the umask may have narrowed the mode, never widened it; be exact anyway
  try {
    // link() fails if the name exists: of two processes starting at once, one secret wins whole.
    linkSync(temp, file);
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`Could not create the server secret in ${file}.`, { cause: error });
    const winner = readSecretFile(file);
    if (winner === undefined) throw new Error(`The server secret in ${file} vanished while it was being created.`);
    return winner;
  } finally {
    rmSync(temp, { force: true });
  }
}

// On globalThis, like the mailer: the start script and the server bundle each load
// their own copy of this module, and read the secret once between them.
const secretKey = Symbol.for('coterie.appSecret');
const holder = globalThis as typeof globalThis & { [secretKey]?: string };

/** The process-wide secret, loaded on first use. */
export function getAppSecret(): string {
  holder[secretKey] ??= loadAppSecret();
  return holder[secretKey];
}
