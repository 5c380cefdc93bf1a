/** "Download my data": everything the site stores about a member, as JSON. No secrets. */
import { eq } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { grants, members, sessions } from '../../../db/schema.ts';

export async function exportMemberData(db: Database, memberId: string, now: Date) {
  const [member] = await db.select().from(members).where(eq(members.id, memberId));
  if (!member) return undefined;
  const [memberSessions, memberGrants] = await Promise.all([
    db
      .select({ createdAt: sessions.createdAt, lastActiveAt: sessions.lastVerifiedAt, userAgent: sessions.userAgent })
      .from(sessions)
      .where(eq(sessions.memberId, memberId)),
    db
      .select({ tier: grants.tier, grantedAt: grants.createdAt, endsAt: grants.endsAt, revokedAt: grants.revokedAt, note: grants.note })
      .from(grants)
      .where(eq(grants.memberId, memberId)),
  ]);
  return {
    exportedAt: now.toISOString(),
    member: {
      email: member.email,
      name: member.name,
      handle: member.handle,
      role: member.role,
      newsletter: member.newsletter,
      emailVerifiedAt: member.emailVerifiedAt?.toISOString() ?? null,
      joinedAt: member.createdAt.toISOString(),
    },
    sessions: memberSessions,
    complimentaryAccess: memberGrants,
  };
}
