/**
 * Threads of nested replies, built in memory from rows the route has loaded.
 *
 * How the route should load a thread page (`depth` is 0 for a direct reply):
 *   1. `select count(*) … where thread_id = $t and depth = 0` → `pageBounds(count, page, perPage)`;
 *      redirect when the returned `page` differs from the one asked for.
 *   2. `select path … where thread_id = $t and depth = 0 order by <sortOrderSql> limit $limit offset $offset`.
 *      OFFSET, not keyset: page numbers need it, top-level counts stay in the thousands,
 *      and under `reactions` the sort key moves between requests anyway.
 *   3. `select * … where thread_id = $t and split_part(path, '/', 1) = any($topKeys) and depth <= $maxDepth`:
 *      one level past the cut, so a cut reply knows its branch goes on. For the exact number
 *      below each cut, also count `depth >= $maxDepth` grouped by the first `maxDepth` path
 *      segments (the cut reply's path) and pass it as `hiddenCounts`.
 * A "continue this thread" page or permalink for reply R loads R itself and
 * `path like R.path || '/%' and depth <= R.depth + maxDepth`, then passes `rootId: R.id`.
 * Deleted and hidden replies are loaded like any other: they hold their children up.
 */

export type ReplySort = 'oldest' | 'newest' | 'reactions';

/** The columns the tree reads; rows may carry more (author, body, deletedAt), kept on each node. */
export interface ReplyRow {
  id: string;
  parentId: string | null;
  /** Ancestors' path keys and its own, joined by '/'; the source of truth for ancestry. */
  path: string;
  createdAt: Date;
  reactionCount: number;
}

export interface ReplyNode<R extends ReplyRow = ReplyRow> {
  /** The row as loaded; a deleted or hidden reply is still here, the renderer decides how it shows. */
  reply: R;
  children: ReplyNode<R>[];
  /** Replies below this one that the cut at `maxDepth` leaves for its own page; 0 above the cut. */
  hiddenDescendants: number;
  /** Id of the reply whose own page continues the branch (this reply), set when something is hidden. */
  continueAt?: string;
}

export interface ReplyTreeOptions {
  sort: ReplySort;
  /** Levels shown, counted from the top of the tree: 1 shows top-level replies only. */
  maxDepth: number;
  /** Build only the replies under this one (not the reply itself), its children as the top level. */
  rootId?: string;
  /** Replies below each cut reply, keyed by that reply's path, when counted in SQL; wins over counting rows. */
  hiddenCounts?: ReadonlyMap<string, number>;
}

/** The sibling order; `sortOrderSql` is the same order for the top-level query. */
export function compareReplies(sort: ReplySort): (a: ReplyRow, b: ReplyRow) => number {
  // Path keys are fixed-width and sortable, so they break ties in the order replies were made.
  const byAge = (a: ReplyRow, b: ReplyRow) => a.createdAt.getTime() - b.createdAt.getTime() || comparePaths(a.path, b.path);
  if (sort === 'oldest') return byAge;
  if (sort === 'newest') return (a, b) => byAge(b, a);
  return (a, b) => b.reactionCount - a.reactionCount || byAge(a, b);
}

export const sortOrderSql: Record<ReplySort, string> = {
  oldest: 'created_at asc, path asc',
  newest: 'created_at desc, path desc',
  reactions: 'reaction_count desc, created_at asc, path asc',
};

/**
 * Nests rows (in any order) into sorted trees. A row whose parent is not among the rows
 * (a paged-out or hard-deleted reply) hangs from its nearest loaded ancestor, or from the
 * top level, rather than disappearing: a reply someone wrote is never silently lost.
 */
export function buildReplyTree<R extends ReplyRow>(rows: readonly R[], options: ReplyTreeOptions): ReplyNode<R>[] {
  const { sort, maxDepth, rootId, hiddenCounts } = options;
  if (!Number.isInteger(maxDepth) || maxDepth < 1) {
    throw new RangeError(`buildReplyTree: maxDepth must be a whole number of at least 1, got ${maxDepth}.`);
  }
  const byPath = new Map<string, R>();
  const ids = new Set<string>();
  for (const row of rows) {
    // A repeated row means a query joined too widely; nesting it twice would show it twice.
    if (byPath.has(row.path) || ids.has(row.id)) throw new Error(`buildReplyTree: reply ${row.id} (${row.path}) appears twice.`);
    byPath.set(row.path, row);
    ids.add(row.id);
  }

  const rootPath = rootId === undefined ? undefined : findRootPath(rows, rootId);
  if (rootId !== undefined && rootPath === undefined) return [];
  const rootSegments = rootPath === undefined ? 0 : rootPath.split('/').length;

  const top: R[] = [];
  const childrenOf = new Map<string, R[]>();
  for (const row of rows) {
    if (rootPath !== undefined && !row.path.startsWith(`${rootPath}/`)) continue;
    const parent = nearestLoadedAncestor(row.path, rootSegments, byPath);
    if (parent === undefined) top.push(row);
    else {
      const siblings = childrenOf.get(parent.path);
      if (siblings) siblings.push(row);
      else childrenOf.set(parent.path, [row]);
    }
  }

  const compare = compareReplies(sort);
  const build = (row: R, level: number): ReplyNode<R> => {
    const children = childrenOf.get(row.path) ?? [];
    if (level < maxDepth - 1) {
      return { reply: row, children: children.sort(compare).map((child) => build(child, level + 1)), hiddenDescendants: 0 };
    }
    const hidden = hiddenCounts?.get(row.path) ?? countLoadedBelow(row.path, childrenOf);
    return hidden > 0
      ? { reply: row, children: [], hiddenDescendants: hidden, continueAt: row.id }
      : { reply: row, children: [], hiddenDescendants: 0 };
  };
  return top.sort(compare).map((row) => build(row, 0));
}

/** Every reply the tree stands for: the nodes shown, placeholders included, and those continued elsewhere. */
export function countReplies(tree: readonly ReplyNode[]): number {
  let count = 0;
  const stack = [...tree];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    count += 1 + node.hiddenDescendants;
    stack.push(...node.children);
  }
  return count;
}

export interface PageBounds {
  /** The page to show, 1-based, clamped into range; a route redirects when it differs from the request. */
  page: number;
  /** At least 1: a thread with no replies has one empty page. */
  pageCount: number;
  /** For the top-level query's OFFSET and LIMIT. */
  offset: number;
  limit: number;
}

/** Which slice of `total` top-level replies page `requestedPage` shows (anything unparseable is page 1). */
export function pageBounds(total: number, requestedPage: number, perPage: number): PageBounds {
  if (!Number.isInteger(perPage) || perPage < 1) {
    throw new RangeError(`pageBounds: perPage must be a whole number of at least 1, got ${perPage}.`);
  }
  const pageCount = Math.max(1, Math.ceil(Math.max(0, total) / perPage));
  const page = Number.isInteger(requestedPage) ? Math.min(Math.max(requestedPage, 1), pageCount) : 1;
  return { page, pageCount, offset: (page - 1) * perPage, limit: perPage };
}

/** The same, when the route already holds every top-level id in sort order. */
export function topLevelPage(
  topLevelIds: readonly string[],
  requestedPage: number,
  perPage: number,
): { ids: string[]; page: number; pageCount: number } {
  const { page, pageCount, offset, limit } = pageBounds(topLevelIds.length, requestedPage, perPage);
  return { ids: topLevelIds.slice(offset, offset + limit), page, pageCount };
}

// Code-unit order, as Postgres compares the path column under `collate "C"`.
function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// The root's own row may not be loaded; a child's path then still names it.
function findRootPath(rows: readonly ReplyRow[], rootId: string): string | undefined {
  const root = rows.find((row) => row.id === rootId);
  if (root) return root.path;
  const child = rows.find((row) => row.parentId === rootId);
  return child?.path.slice(0, child.path.lastIndexOf('/'));
}

function nearestLoadedAncestor<R extends ReplyRow>(path: string, rootSegments: number, byPath: ReadonlyMap<string, R>): R | undefined {
  const segments = path.split('/');
  for (let length = segments.length - 1; length > rootSegments; length--) {
    const ancestor = byPath.get(segments.slice(0, length).join('/'));
    if (ancestor) return ancestor;
  }
  return undefined;
}

function countLoadedBelow(path: string, childrenOf: ReadonlyMap<string, readonly ReplyRow[]>): number {
  let count = 0;
  const stack = [...(childrenOf.get(path) ?? [])];
  for (let row = stack.pop(); row !== undefined; row = stack.pop()) {
    count += 1;
    stack.push(...(childrenOf.get(row.path) ?? []));
  }
  return count;
}
