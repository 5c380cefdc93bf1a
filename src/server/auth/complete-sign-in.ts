/**
 * What happens once an address is proved (by link or code): the member is found or
 * created, the owner is recognised, the address is marked verified, and a new session
 * starts. A new session every time, so a session id fixed before sign-in is worthless.
 */
import { eq } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { members, type LoginToken, type Member } from '../../../db/schema.ts';
import { ensureMember } from '../members/ensure-member.ts';
import { isUniqueViolation } from '../../../db/postgres-errors.ts';
import { matchOwnerToSite } from '../members/owner-from-site.ts';
import { safeNextPath } from './safe-next-path.ts';
import { createSession, type NewSessionToken } from './sessions.ts';

export type SignInCompletion =
  | {
      ok: true;
      member: Member;
      session: NewSessionToken;
      nextPath: string;
      /** Set when the member's address changed, so the old one can be told. */
      previousEmail?: string;
    }
  | { ok: false; reason: 'email_taken' | 'member_gone' };

export async function completeSignIn(
  db: Database,
  token: LoginToken,
  context: { ownerEmail: string; now: Date; userAgent: string },
): Promise<SignInCompletion> {
  const { now } = context;
  if (token.purpose === 'change_email') return completeEmailChange(db, token, context);

  const { member } = await ensureMember(db, token.email);
  await matchOwnerToSite(db, context.ownerEmail, now);
  const [updated] = await db
    .update(members)
    .set({ emailVerifiedAt: member.emailVerifiedAt ?? now })
    .where(eq(members.id, member.id))
    .returning();
  if (!updated) return { ok: false, reason: 'member_gone' };
  const session = await createSession(db, updated.id, now, context.userAgent);
  // With nowhere in particular to go, the account page: static pages cannot greet anyone.
  // Checked again on the way out: a link issued before its path was encoded must not fail now.
  const next = safeNextPath(token.nextPath);
  const nextPath = next === '/' ? '/account?done=signed-in' : next;
  return { ok: true, member: updated, session, nextPath };
}

async function completeEmailChange(
  db: Database,
  token: LoginToken,
  context: { ownerEmail: string; now: Date; userAgent: string },
): Promise<SignInCompletion> {
  if (!token.memberId) return { ok: false, reason: 'member_gone' };
  const [current] = await db.select().from(members).where(eq(members.id, token.memberId));
  if (!current) return { ok: false, reason: 'member_gone' };
  let updated: Member | undefined;
  try {
    [updated] = await db
      .update(members)
      .set({ email: token.email, emailVerifiedAt: context.now })
      .where(eq(members.id, current.id))
      .returning();
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, reason: 'email_taken' };
    throw error;
  }
  if (!updated) return { ok: false, reason: 'member_gone' };
  // The new address may be ownerEmail, or the old one may have been: the role follows it.
  if ((await matchOwnerToSite(db, context.ownerEmail, context.now)).length > 0) {
    [updated] = await db.select().from(members).where(eq(members.id, current.id));
    if (!updated) return { ok: false, reason: 'member_gone' };
  }
  const session = await createSession(db, updated.id, context.now, context.userAgent);
  return { ok: true, member: updated, session, nextPath: safeNextPath(token.nextPath), previousEmail: current.email };
}
