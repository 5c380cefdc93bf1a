/**
 * Every space's welcome thread, written by the owner, made once per server process.
 * `npm start` calls /api/health as soon as it listens, which calls this, so /community
 * shows the welcome threads before anyone has opened a space; the community pages call
 * it too, for servers started another way. It needs the content collections, which only
 * the server bundle can read, so it cannot run in the start script itself.
 */
import { getDatabase } from '../../db/client.ts';
import { ensureWelcomeThread } from '../server/discussions/write-message.ts';
import { ensureOwnerAccount } from '../server/members/owner-account.ts';
import { getSite } from './community.ts';
import { getSpaces, spacePlace } from './discussions.ts';

let made: Promise<void> | undefined;

export function ensureWelcomeThreads(): Promise<void> {
  // A failure (say a welcome body the rules refuse) is tried again by the next request.
  made ??= makeWelcomeThreads().catch((error: unknown) => {
    made = undefined;
    throw error;
  });
  return made;
}

async function makeWelcomeThreads(): Promise<void> {
  const spaces = (await getSpaces()).filter((space) => space.welcome);
  if (spaces.length === 0) return;
  const [{ db }, site] = await Promise.all([getDatabase(), getSite()]);
  const ownerId = await ensureOwnerAccount(db, site.ownerEmail);
  for (const space of spaces) {
    if (space.welcome) await ensureWelcomeThread(db, spacePlace(space), space.welcome, ownerId, new Date());
  }
}
