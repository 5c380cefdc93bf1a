/**
 * Keeps the owner role where site.yaml's `ownerEmail` points. Run when the server starts
 * and at every sign-in, so a new ownerEmail takes effect without anyone doing more.
 */
import { and, desc, eq, or } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { members, moderationLog, type MemberRole } from '../../../db/schema.ts';
import { becameOwnerDetail, isOwnerEmail, ownerActions, roleBeforeOwner } from '../auth/owner-role.ts';
import { normalizeEmail } from './email-address.ts';

export interface OwnerChange {
  memberId: string;
  email: string;
  from: MemberRole;
  to: MemberRole;
}

/**
 * The member with `ownerEmail` (if they have signed in) becomes owner; anyone else who
 * is owner goes back to the role they had before (moderator or member). Each change is
 * written to the audit log; the promotion's entry is also what remembers the earlier role.
 * Changes nothing when the roles already match.
 */
export async function matchOwnerToSite(db: Database, ownerEmail: string, now: Date): Promise<OwnerChange[]> {
  const owner = normalizeEmail(ownerEmail);
  return db.transaction(async (tx) => {
    // Locked, so two processes starting together make each change once.
    const concerned = await tx
      .select({ id: members.id, email: members.email, role: members.role })
      .from(members)
      .where(or(eq(members.role, 'owner'), eq(members.email, owner)))
      .orderBy(members.id)
      .for('update');
    const changes: OwnerChange[] = [];
    for (const person of concerned) {
      const shouldOwn = isOwnerEmail(person.email, owner);
      if (shouldOwn === (person.role === 'owner')) continue;
      if (shouldOwn) {
        await tx.update(members).set({ role: 'owner' }).where(eq(members.id, person.id));
        await tx.insert(moderationLog).values({
          actorId: null,
          action: ownerActions.became,
          targetKind: 'member',
          targetId: person.id,
          detail: becameOwnerDetail(person.role),
          createdAt: now,
        });
        changes.push({ memberId: person.id, email: person.email, from: person.role, to: 'owner' });
        continue;
      }
      const [became] = await tx
        .select({ detail: moderationLog.detail })
        .from(moderationLog)
        .where(and(eq(moderationLog.action, ownerActions.became), eq(moderationLog.targetKind, 'member'), eq(moderationLog.targetId, person.id)))
        .orderBy(desc(moderationLog.createdAt), desc(moderationLog.id))
        .limit(1);
      const role = roleBeforeOwner(became?.detail);
      await tx.update(members).set({ role }).where(eq(members.id, person.id));
      await tx.insert(moderationLog).values({
        actorId: null,
        action: ownerActions.left,
        targetKind: 'member',
        targetId: person.id,
        detail: `now ${role}; ownerEmail in site.yaml names someone else`,
        createdAt: now,
      });
      changes.push({ memberId: person.id, email: person.email, from: 'owner', to: role });
    }
    return changes;
  });
}

let matchedThisProcess: Promise<void> | undefined;

/**
 * `matchOwnerToSite` once per server process, before its first member is identified: a
 * new ownerEmail arrives with a new build, so once is enough. A failure is tried again
 * on the next request.
 */
export function matchOwnerOnce(context: () => Promise<{ db: Database; ownerEmail: string }>): Promise<void> {
  matchedThisProcess ??= (async () => {
    const { db, ownerEmail } = await context();
    for (const change of await matchOwnerToSite(db, ownerEmail, new Date())) {
      console.log(`Roles: ${change.email} is now ${change.to} (was ${change.from}), following ownerEmail in site.yaml.`);
    }
  })().catch((error: unknown) => {
    matchedThisProcess = undefined;
    throw error;
  });
  return matchedThisProcess;
}
