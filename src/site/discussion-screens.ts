/**
 * Everything a thread page or a reply's branch page shows, loaded in one place so the
 * thread, the permalink and a post's discussion render the same way.
 */
import type { Database } from '../../db/client.ts';
import type { Reply, Thread } from '../../db/schema.ts';
import type { CurrentMember } from '../server/auth/current-member.ts';
import { markNotificationsRead } from '../server/discussions/notify.ts';
import { hasAcceptedGuidelines, isFollowing } from '../server/discussions/participation.ts';
import { canWriteInPlace, isStaff, type Place, type WriteDecision } from '../server/discussions/place-access.ts';
import { buildReplyTree, type ReplyNode } from '../server/discussions/reply-tree.ts';
import { loadAncestors, loadBranch, loadThreadPage, type ReplySort } from '../server/discussions/thread-reading.ts';
import type { Space } from '../schemas/space.ts';
import { threadDoneMessages } from './discussion-requests.ts';
import {
  loadAuthors,
  loadReactionTallies,
  parsePage,
  parseSort,
  repliesPerPage,
  shownLevels,
  type FormFailure,
  type ThreadUi,
} from './discussion-view.ts';
import { getSpaces } from './discussions.ts';

type ScreenInput = {
  thread: Thread | undefined;
  place: Place;
  member: CurrentMember | undefined;
  /** The request's address: its sort, page and `?done=` notice. */
  url: URL;
  /** Form action; defaults to the page itself. */
  action: string;
  failure: FormFailure | undefined;
  language: string;
  /** Opening the page (not a refused form) marks the thread's notifications read. */
  isGet: boolean;
};

async function buildUi(db: Database, input: ScreenInput, rows: readonly Reply[], extraAuthors: readonly (string | null)[], now: Date) {
  const { member, thread, place, url } = input;
  const [authors, reactions, accepted, following, marked] = await Promise.all([
    loadAuthors(db, [...rows.map((row) => row.authorId), ...extraAuthors]),
    loadReactionTallies(db, rows.map((row) => row.id), member?.id),
    member ? hasAcceptedGuidelines(db, member.id) : Promise.resolve(true),
    member && thread ? isFollowing(db, member.id, thread.id) : Promise.resolve(false),
    member && thread && input.isGet ? markNotificationsRead(db, member.id, now, thread.id) : Promise.resolve(0),
  ]);
  // The header's count was read with the member's identity, before this page read the thread.
  if (member) member.unreadNotifications = Math.max(0, member.unreadNotifications - marked);
  const writeDecision: WriteDecision = canWriteInPlace(member ?? null, place);
  const doneMessage = threadDoneMessages[url.searchParams.get('done') ?? ''];
  const ui: ThreadUi = {
    threadId: thread?.id,
    action: input.action,
    viewer: member ? { id: member.id, staff: isStaff(member) } : null,
    canWrite: writeDecision.allowed && !thread?.locked && !thread?.hiddenAt,
    needsGuidelines: !accepted,
    authors,
    reactions,
    failure: input.failure,
    notice: doneMessage ? { target: url.searchParams.get('at'), message: doneMessage } : undefined,
    language: input.language,
  };
  return { ui, writeDecision, following };
}

export interface ThreadScreen {
  tree: ReplyNode<Reply>[];
  ui: ThreadUi;
  writeDecision: WriteDecision;
  following: boolean;
  sort: ReplySort;
  page: number;
  pages: number;
  topLevelTotal: number;
  /** Spaces a moderator may move the thread to (empty for others and for posts' discussions). */
  moveTo: Space[];
}

/** A page of a thread: top-level replies `repliesPerPage` at a time, each branch to `shownLevels`. */
export async function loadThreadScreen(db: Database, input: ScreenInput, now: Date): Promise<ThreadScreen> {
  const { thread, member } = input;
  const sort = parseSort(input.url.searchParams.get('sort'));
  // Deleted and hidden replies are loaded too: their placeholders hold their children up.
  const loaded = thread
    ? await loadThreadPage(db, thread.id, { page: parsePage(input.url.searchParams.get('page')), perPage: repliesPerPage, sort, maxDepth: shownLevels, includeHidden: true })
    : { rows: [], page: 1, pages: 1, topLevelTotal: 0 };
  const tree = buildReplyTree(loaded.rows, { sort, maxDepth: shownLevels });
  const [{ ui, writeDecision, following }, spaces] = await Promise.all([
    buildUi(db, input, loaded.rows, [thread?.authorId ?? null], now),
    thread?.spaceId && isStaff(member ?? null) ? getSpaces() : Promise.resolve([]),
  ]);
  const moveTo = spaces.filter((space) => space.id !== thread?.spaceId);
  return { tree, ui, writeDecision, following, sort, page: loaded.page, pages: loaded.pages, topLevelTotal: loaded.topLevelTotal, moveTo };
}

export interface BranchScreen {
  /** The reply the page is about, its branch below it. */
  focus: ReplyNode<Reply>;
  /** The replies it hangs under, top first. */
  ancestors: Reply[];
  ui: ThreadUi;
}

/** One reply and its branch, for its permalink and "continue this thread". */
export async function loadBranchScreen(db: Database, input: ScreenInput & { root: Reply }, now: Date): Promise<BranchScreen> {
  const { root } = input;
  const [rows, ancestors] = await Promise.all([loadBranch(db, root, { maxDepth: shownLevels, includeHidden: true }), loadAncestors(db, root)]);
  const children = buildReplyTree(rows, { sort: 'oldest', maxDepth: shownLevels, rootId: root.id });
  const withRoot = rows.some((row) => row.id === root.id) ? rows : [root, ...rows];
  const { ui } = await buildUi(db, input, withRoot, ancestors.map((reply) => reply.authorId), now);
  return { focus: { reply: root, children, hiddenDescendants: 0 }, ancestors, ui };
}
