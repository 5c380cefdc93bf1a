/**
 * The POST side of a thread page (the thread, a reply's permalink, a post's discussion):
 * one `intent` per form, each calling a function from `src/server/discussions/`, then
 * either where to redirect (Post/Redirect/Get) or the refusal to show beside the form.
 */
import type { Database } from '../../db/client.ts';
import type { Reply, Thread } from '../../db/schema.ts';
import type { CurrentMember } from '../server/auth/current-member.ts';
import { deleteReply, editReply, reactionKinds, toggleReaction } from '../server/discussions/change-message.ts';
import { hideReply, moderateThread, moveThread, reportReply, type ThreadAction } from '../server/discussions/moderation.ts';
import { acceptGuidelines, setFollowing } from '../server/discussions/participation.ts';
import { canWriteInPlace, type Place } from '../server/discussions/place-access.ts';
import { findReply } from '../server/discussions/thread-reading.ts';
import { addReply, postThread, type WriteRefusal } from '../server/discussions/write-message.ts';
import { countTopLevel, parseSort, permalink, repliesPerPage, shownLevels, type FormFailure } from './discussion-view.ts';
import { getSpace } from './discussions.ts';
import { field } from './member-requests.ts';

/** The page a form was sent from: a thread's pages, or the branch under one reply. */
export type FormView = { kind: 'thread'; url: URL } | { kind: 'branch'; url: URL; root: Reply };

export type FormOutcome = { redirect: string } | { status: 400 | 403 | 429; failure: FormFailure };

const threadActions: readonly ThreadAction[] = ['pin', 'unpin', 'lock', 'unlock', 'hide', 'unhide'];

const forbidden = new Set<WriteRefusal['reason']>(['sign_in_required', 'not_allowed_here', 'thread_locked', 'thread_gone', 'banned', 'muted']);
function statusOf(reason: string): 400 | 403 | 429 {
  if (reason === 'too_fast') return 429;
  return forbidden.has(reason as WriteRefusal['reason']) || reason === 'not_yours' ? 403 : 400;
}

/** The page's own address, its sort and page kept, without a previous notice. */
export function pageAddress(url: URL): string {
  return backTo(url);
}

/** The same page (its sort and page kept), with a `?done=` notice (`&at=` the reply it is about) and an anchor. */
export function backTo(url: URL, done?: string, anchor?: string, page?: number): string {
  const search = new URLSearchParams(url.search);
  search.delete('done');
  search.delete('at');
  if (page !== undefined) {
    if (page > 1) search.set('page', String(page));
    else search.delete('page');
  }
  if (done) search.set('done', done);
  if (done && anchor?.startsWith('r-')) search.set('at', anchor.slice(2));
  const query = search.toString();
  return `${url.pathname}${query ? `?${query}` : ''}${anchor ? `#${anchor}` : ''}`;
}

/** Where a new reply can be seen: this page, the thread page it lands on, or the branch page past the cut. */
async function whereReplyShows(db: Database, view: FormView, reply: Reply): Promise<string> {
  const anchor = `r-${reply.id}`;
  const topDepth = view.kind === 'thread' ? 0 : view.root.depth + 1;
  const cutDepth = topDepth + shownLevels - 1;
  if (reply.depth > cutDepth) return `${permalink(reply.threadId, reply.path.split('/')[cutDepth] ?? reply.id)}#${anchor}`;
  if (view.kind === 'thread' && reply.depth === 0) {
    // A new top-level reply is the newest (and has no reactions): the first page or the last.
    const sort = parseSort(view.url.searchParams.get('sort'));
    const page = sort === 'newest' ? 1 : Math.max(1, Math.ceil((await countTopLevel(db, reply.threadId)) / repliesPerPage));
    return backTo(view.url, undefined, anchor, page);
  }
  return backTo(view.url, undefined, anchor);
}

export async function handleThreadForm(
  db: Database,
  input: { form: FormData; member: CurrentMember | undefined; place: Place; thread: Thread | undefined; view: FormView },
  now: Date,
): Promise<FormOutcome> {
  const { form, member, place, view } = input;
  const intent = field(form, 'intent');
  const replyId = field(form, 'reply');
  const parentId = field(form, 'parent') || null;
  const body = field(form, 'body');
  const target = intent === 'reply' ? parentId : replyId || null;
  const typed = { body, reason: field(form, 'reason') };
  const refuse = (status: 400 | 403 | 429, message: string): FormOutcome => ({ status, failure: { intent, target, message, typed } });

  if (!member) return refuse(403, 'Sign in to join the conversation.');

  if (intent === 'accept-guidelines') {
    await acceptGuidelines(db, member.id, now);
    return { redirect: backTo(view.url, 'guidelines') };
  }
  if (intent === 'reply') {
    const may = canWriteInPlace(member, place);
    if (!may.allowed) return refuse(403, may.reason === 'sign_in_required' ? 'Sign in to join the conversation.' : 'Your membership does not include writing here.');
    if (field(form, 'guidelines') === 'on') await acceptGuidelines(db, member.id, now);
    // A post's discussion begins with its first reply.
    const thread = input.thread ?? (place.kind === 'post' ? await postThread(db, place, now) : undefined);
    if (!thread) return refuse(400, 'This thread does not exist.');
    const result = await addReply(db, { place, thread, parentId, author: member, body }, now);
    if (!result.ok) return refuse(statusOf(result.reason), result.message);
    return { redirect: await whereReplyShows(db, view, result.reply) };
  }

  const thread = input.thread;
  if (!thread) return refuse(400, 'There is no discussion here yet: reply to start it.');

  if (intent === 'follow' || intent === 'unfollow') {
    const result = await setFollowing(db, member.id, thread.id, intent === 'follow', now);
    if (!result.ok) return refuse(403, result.message);
    return { redirect: backTo(view.url, intent === 'follow' ? 'following' : 'unfollowed', 'thread-tools') };
  }
  const threadAction = threadActions.find((action) => action === intent);
  if (threadAction) {
    const result = await moderateThread(db, member, thread, threadAction, now);
    return result.ok ? { redirect: backTo(view.url, threadAction, 'thread-tools') } : refuse(403, result.message);
  }
  if (intent === 'move') {
    const space = await getSpace(field(form, 'space'));
    if (!space) return refuse(400, 'Choose a space to move the thread to.');
    const result = await moveThread(db, member, thread, space.id, now);
    return result.ok ? { redirect: backTo(view.url, 'moved', 'thread-tools') } : refuse(403, result.message);
  }

  const reply = replyId ? await findReply(db, replyId) : undefined;
  if (!reply || reply.threadId !== thread.id) return refuse(400, 'That message is not in this thread.');
  const anchor = `r-${reply.id}`;

  if (intent === 'edit') {
    const result = await editReply(db, member, reply, body, now);
    return result.ok ? { redirect: backTo(view.url, 'edited', anchor) } : refuse(statusOf(result.reason), result.message);
  }
  if (intent === 'delete') {
    const result = await deleteReply(db, member, reply, now);
    return result.ok ? { redirect: backTo(view.url, 'deleted', anchor) } : refuse(statusOf(result.reason), result.message);
  }
  if (intent === 'react') {
    const kind = reactionKinds.find((known) => known === field(form, 'kind'));
    if (!kind) return refuse(400, 'That is not one of the reactions.');
    if (!canWriteInPlace(member, place).allowed) return refuse(403, 'Your membership does not include reacting here.');
    if (thread.hiddenAt || thread.locked) return refuse(403, 'This thread is closed to reactions.');
    if (reply.deletedAt || reply.hiddenAt) return refuse(400, 'That message was deleted.');
    const result = await toggleReaction(db, member.id, reply, kind, now);
    return result.ok ? { redirect: backTo(view.url, undefined, anchor) } : refuse(403, result.message);
  }
  if (intent === 'report') {
    const result = await reportReply(db, member.id, reply, typed.reason, now);
    return result.ok ? { redirect: backTo(view.url, 'reported', anchor) } : refuse(result.reason ? 403 : 400, result.message);
  }
  if (intent === 'hide-reply' || intent === 'unhide-reply') {
    const result = await hideReply(db, member, reply, intent === 'hide-reply', now);
    return result.ok ? { redirect: backTo(view.url, intent === 'hide-reply' ? 'hidden-reply' : 'unhidden-reply', anchor) } : refuse(403, result.message);
  }
  return refuse(400, 'The form asked for something this page does not do. Reload the page and try again.');
}

/** Notices after a redirect, by `?done=`. */
export const threadDoneMessages: Record<string, string> = {
  guidelines: 'Thank you for accepting the community guidelines.',
  following: 'You are following this thread: new replies will show in your notifications.',
  unfollowed: 'You no longer follow this thread.',
  pin: 'The thread is pinned to the top of its space.',
  unpin: 'The thread is no longer pinned.',
  lock: 'The thread is locked: it takes no new replies.',
  unlock: 'The thread is open for replies again.',
  hide: 'The thread is hidden: only moderators and the owner see it.',
  unhide: 'The thread is visible again.',
  moved: 'The thread is moved.',
  edited: 'Your changes are saved.',
  deleted: 'The message is deleted.',
  reported: 'Thank you: moderators will look at the message.',
  'hidden-reply': 'The message is hidden from members.',
  'unhidden-reply': 'The message is visible again.',
};
