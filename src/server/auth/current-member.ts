/**
 * Who is asking: the member behind a session cookie, with the tiers they may read
 * today. Middleware calls this and stores the result; it decides nothing about access.
 */
import type { Database } from '../../../db/client.ts';
import type { MemberRole, NewsletterStatus } from '../../../db/schema.ts';
import { entitledTiers } from '../members/entitled-tiers.ts';
import { validateSessionToken } from './sessions.ts';

export interface CurrentMember {
  id: string;
  email: string;
  name: string | null;
  handle: string | null;
  role: MemberRole;
  newsletter: NewsletterStatus;
  /** Tier ids the member may read with now: granted or paid, and still in tiers.yaml. */
  tiers: string[];
  /** The session this request came with, so it can be told apart in the account page. */
  sessionId: string;
}

export type Identification =
  | { member: CurrentMember; /** Re-send the cookie with this expiry. */ refreshedUntil?: Date }
  | { member: undefined; /** The cookie named no live session: delete it. */ clearCookie: boolean };

/** `declaredTiers`: the tier ids of tiers.yaml, archived ones included. */
export async function identifyMember(db: Database, token: string | undefined, now: Date, declaredTiers: ReadonlySet<string>): Promise<Identification> {
  if (!token) return { member: undefined, clearCookie: false };
  const validation = await validateSessionToken(db, token, now);
  if (!validation.valid) return { member: undefined, clearCookie: true };
  const { member, session, refreshedUntil } = validation;
  return {
    member: {
      id: member.id,
      email: member.email,
      name: member.name,
      handle: member.handle,
      role: member.role,
      newsletter: member.newsletter,
      tiers: await entitledTiers(db, member.id, now, declaredTiers),
      sessionId: session.id,
    },
    refreshedUntil,
  };
}
