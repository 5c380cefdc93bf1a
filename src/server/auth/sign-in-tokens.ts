/**
 * One-time proofs of an email address. Each email carries a link token (works in any
 * browser) and an 8-character code (works only in the browser that asked for it, because
 * its hash is salted with a secret kept in that browser's cookie). Neither is stored:
 * the database holds SHA-256 digests, so reading it signs nobody in.
 */
import { and, eq, gt, inArray, isNull } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { loginTokens, type LoginPurpose, type LoginToken } from '../../../db/schema.ts';
import { digestsEqual, normalizeCode, randomCode, randomString, sha256Hex } from './secrets.ts';

/** How long a link and its code work. */
export const signInTokenLifetimeMs = 10 * 60 * 1000;

/**
 * The purposes whose links sign in (or move an account). A newsletter confirmation is
 * redeemed only by the subscribe pages, so its longer-lived link can never start a session.
 */
export const signInPurposes: readonly LoginPurpose[] = ['sign_in', 'change_email'];

export interface IssuedToken {
  /** For the link; never stored. */
  token: string;
  /** For typing; never stored. */
  code: string;
  expiresAt: Date;
}

export interface TokenRequest {
  email: string;
  purpose: LoginPurpose;
  /** For 'change_email': whose address changes. */
  memberId?: string;
  nextPath: string;
  /** The requesting browser's secret (from its cookie), which salts the code. */
  browserSecret: string;
  /** How long the link works; sign-in's 10 minutes unless given. */
  lifetimeMs?: number;
}

export function codeDigest(browserSecret: string, code: string): string {
  return sha256Hex(`${browserSecret}:${normalizeCode(code)}`);
}

export async function issueToken(db: Database, request: TokenRequest, now: Date): Promise<IssuedToken> {
  const token = randomString(32);
  const code = randomCode();
  const expiresAt = new Date(now.getTime() + (request.lifetimeMs ?? signInTokenLifetimeMs));
  await db.insert(loginTokens).values({
    tokenHash: sha256Hex(token),
    codeHash: codeDigest(request.browserSecret, code),
    email: request.email,
    purpose: request.purpose,
    memberId: request.memberId ?? null,
    nextPath: request.nextPath,
    expiresAt,
    createdAt: now,
  });
  return { token, code, expiresAt };
}

export type TokenCheck =
  | { ok: true; token: LoginToken }
  | { ok: false; reason: 'link_invalid' | 'link_used' | 'link_expired' };

/**
 * What a link token is, without using it: for the confirm page a mail scanner may open.
 * A token of another purpose than `purposes` is 'link_invalid' here.
 */
export async function peekLinkToken(db: Database, token: string, now: Date, purposes: readonly LoginPurpose[] = signInPurposes): Promise<TokenCheck> {
  const [row] = await db
    .select()
    .from(loginTokens)
    .where(and(eq(loginTokens.tokenHash, sha256Hex(token)), inArray(loginTokens.purpose, [...purposes])));
  return judgeToken(row, now);
}

/**
 * Uses a link token: marks it used in the same statement that finds it, so two
 * clicks at once cannot both sign in.
 */
export async function redeemLinkToken(db: Database, token: string, now: Date, purposes: readonly LoginPurpose[] = signInPurposes): Promise<TokenCheck> {
  const tokenHash = sha256Hex(token);
  const ofPurpose = and(eq(loginTokens.tokenHash, tokenHash), inArray(loginTokens.purpose, [...purposes]));
  const [used] = await db
    .update(loginTokens)
    .set({ usedAt: now })
    .where(and(ofPurpose, isNull(loginTokens.usedAt), gt(loginTokens.expiresAt, now)))
    .returning();
  if (used) return { ok: true, token: used };
  // Say why, so the page can offer the right next step.
  const [row] = await db.select().from(loginTokens).where(ofPurpose);
  return judgeToken(row, now);
}

/**
 * Uses the code typed in the browser that asked for it. Only live sign-in tokens for
 * that address are candidates; each is compared in constant time.
 */
export async function redeemCode(
  db: Database,
  request: { email: string; code: string; browserSecret: string },
  now: Date,
): Promise<{ ok: true; token: LoginToken } | { ok: false; reason: 'code_wrong' }> {
  const typed = codeDigest(request.browserSecret, request.code);
  const live = await db
    .select()
    .from(loginTokens)
    .where(
      and(eq(loginTokens.email, request.email), inArray(loginTokens.purpose, [...signInPurposes]), isNull(loginTokens.usedAt), gt(loginTokens.expiresAt, now)),
    );
  const match = live.find((row) => digestsEqual(row.codeHash, typed));
  if (!match) return { ok: false, reason: 'code_wrong' };
  const [used] = await db
    .update(loginTokens)
    .set({ usedAt: now })
    .where(and(eq(loginTokens.tokenHash, match.tokenHash), isNull(loginTokens.usedAt)))
    .returning();
  return used ? { ok: true, token: used } : { ok: false, reason: 'code_wrong' };
}

function judgeToken(row: LoginToken | undefined, now: Date): TokenCheck {
  if (!row) return { ok: false, reason: 'link_invalid' };
  if (row.usedAt) return { ok: false, reason: 'link_used' };
  if (row.expiresAt <= now) return { ok: false, reason: 'link_expired' };
  return { ok: true, token: row };
}
