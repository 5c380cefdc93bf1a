import { describe, expect, it } from 'vitest';
import {
  buildReplyTree,
  countReplies,
  pageBounds,
  topLevelPage,
  type ReplyNode,
  type ReplyRow,
} from '../../src/server/discussions/reply-tree.ts';

interface Row extends ReplyRow {
  deletedAt: Date | null;
  hiddenAt: Date | null;
  authorId: string;
}

const start = Date.UTC(2025, 2, 4, 12, 0);

// Ids are opaque and differ from the path keys, as they may in the database.
function reply(path: string, minute: number, extra: Partial<Row> = {}): Row {
  const keys = path.split('/');
  const parentKey = keys.at(-2);
  return {
    id: `id-${keys.at(-1)}`,
    parentId: parentKey === undefined ? null : `id-${parentKey}`,
    path,
    createdAt: new Date(start + minute * 60_000),
    reactionCount: 0,
    deletedAt: null,
    hiddenAt: null,
    authorId: 'm1',
    ...extra,
  };
}

type Shape = [string, Shape[]] | [string, Shape[], { hidden: number; continueAt: string | undefined }];
function shape(nodes: readonly ReplyNode[]): Shape[] {
  return nodes.map((node) =>
    node.hiddenDescendants > 0
      ? [node.reply.id, shape(node.children), { hidden: node.hiddenDescendants, continueAt: node.continueAt }]
      : [node.reply.id, shape(node.children)],
  );
}

// a ── a/b ── a/b/c ── a/b/c/d
//   └─ a/e
// f ── f/g
const thread = [
  reply('a', 0),
  reply('a/b', 1),
  reply('a/b/c', 2),
  reply('a/b/c/d', 3),
  reply('a/e', 4),
  reply('f', 5),
  reply('f/g', 6),
];

describe('buildReplyTree', () => {
  it('nests replies under their parents whatever order the rows arrive in', () => {
    const expected: Shape[] = [
      ['id-a', [['id-b', [['id-c', [['id-d', []]]]]], ['id-e', []]]],
      ['id-f', [['id-g', []]]],
    ];
    const orders = [thread, [...thread].reverse(), [thread[3], thread[6], thread[0], thread[4], thread[2], thread[5], thread[1]]];
    for (const rows of orders) {
      expect(shape(buildReplyTree(rows as Row[], { sort: 'oldest', maxDepth: 10 }))).toEqual(expected);
    }
  });

  it('keeps the whole row on each node, extra columns included', () => {
    const [node] = buildReplyTree([reply('a', 0, { authorId: 'm7' })], { sort: 'oldest', maxDepth: 3 });
    expect(node?.reply.authorId).toBe('m7');
  });

  describe('sorting siblings at every level', () => {
    const rows = [
      reply('p', 0, { reactionCount: 1 }),
      reply('q', 1, { reactionCount: 5 }),
      reply('r', 2, { reactionCount: 5 }),
      reply('p/x', 3, { reactionCount: 0 }),
      reply('p/y', 4, { reactionCount: 2 }),
      reply('p/z', 5, { reactionCount: 2 }),
    ];
    const order = (tree: ReplyNode[]) => [tree.map((n) => n.reply.id), tree.find((n) => n.reply.id === 'id-p')?.children.map((n) => n.reply.id)];

    it('oldest first', () => {
      expect(order(buildReplyTree(rows, { sort: 'oldest', maxDepth: 3 }))).toEqual([['id-p', 'id-q', 'id-r'], ['id-x', 'id-y', 'id-z']]);
    });

    it('newest first', () => {
      expect(order(buildReplyTree(rows, { sort: 'newest', maxDepth: 3 }))).toEqual([['id-r', 'id-q', 'id-p'], ['id-z', 'id-y', 'id-x']]);
    });

    it('most reactions first, ties oldest first', () => {
      expect(order(buildReplyTree(rows, { sort: 'reactions', maxDepth: 3 }))).toEqual([['id-q', 'id-r', 'id-p'], ['id-y', 'id-z', 'id-x']]);
    });

    it('breaks a tie in time by path key, the order the replies were made', () => {
      const sameMinute = [reply('k2', 0), reply('k1', 0), reply('k3', 0)];
      expect(buildReplyTree(sameMinute, { sort: 'oldest', maxDepth: 1 }).map((n) => n.reply.id)).toEqual(['id-k1', 'id-k2', 'id-k3']);
      expect(buildReplyTree(sameMinute, { sort: 'newest', maxDepth: 1 }).map((n) => n.reply.id)).toEqual(['id-k3', 'id-k2', 'id-k1']);
    });
  });

  describe('the depth cut', () => {
    it('stops at maxDepth levels and says how many replies continue on which reply’s page', () => {
      expect(shape(buildReplyTree(thread, { sort: 'oldest', maxDepth: 2 }))).toEqual([
        ['id-a', [['id-b', [], { hidden: 2, continueAt: 'id-b' }], ['id-e', []]]],
        ['id-f', [['id-g', []]]],
      ]);
    });

    it('shows only top-level replies at maxDepth 1', () => {
      expect(shape(buildReplyTree(thread, { sort: 'oldest', maxDepth: 1 }))).toEqual([
        ['id-a', [], { hidden: 4, continueAt: 'id-a' }],
        ['id-f', [], { hidden: 1, continueAt: 'id-f' }],
      ]);
    });

    it('leaves a reply with nothing below it at the cut without a continue link', () => {
      const [, f] = buildReplyTree(thread, { sort: 'oldest', maxDepth: 2 });
      expect(f?.children[0]).toEqual({ reply: thread[6], children: [], hiddenDescendants: 0 });
    });

    it('prefers counts from SQL when rows stop one level past the cut', () => {
      const loaded = thread.filter((row) => row.path.split('/').length <= 3);
      const tree = buildReplyTree(loaded, { sort: 'oldest', maxDepth: 2, hiddenCounts: new Map([['a/b', 40]]) });
      expect(tree[0]?.children[0]).toMatchObject({ hiddenDescendants: 40, continueAt: 'id-b' });
    });

    it('refuses a depth that would show nothing', () => {
      expect(() => buildReplyTree(thread, { sort: 'oldest', maxDepth: 0 })).toThrow(/maxDepth/);
    });
  });

  describe('a subtree for a continue page or permalink', () => {
    it('shows the replies under the root, counting depth from it', () => {
      expect(shape(buildReplyTree(thread, { sort: 'oldest', maxDepth: 1, rootId: 'id-b' }))).toEqual([
        ['id-c', [], { hidden: 1, continueAt: 'id-c' }],
      ]);
      expect(shape(buildReplyTree(thread, { sort: 'oldest', maxDepth: 5, rootId: 'id-a' }))).toEqual([
        ['id-b', [['id-c', [['id-d', []]]]]],
        ['id-e', []],
      ]);
    });

    it('finds the root from its children when the root row itself was not loaded', () => {
      const withoutRoot = thread.filter((row) => row.id !== 'id-b');
      expect(shape(buildReplyTree(withoutRoot, { sort: 'oldest', maxDepth: 5, rootId: 'id-b' }))).toEqual([['id-c', [['id-d', []]]]]);
    });

    it('does not take in a reply whose key merely starts with the root’s key', () => {
      const rows = [reply('a1', 0), reply('a1/x', 1), reply('a10', 2), reply('a10/y', 3)];
      expect(shape(buildReplyTree(rows, { sort: 'oldest', maxDepth: 5, rootId: 'id-a1' }))).toEqual([['id-x', []]]);
    });

    it('is empty for a root nobody replied to or that is unknown', () => {
      expect(buildReplyTree(thread, { sort: 'oldest', maxDepth: 5, rootId: 'id-g' })).toEqual([]);
      expect(buildReplyTree(thread, { sort: 'oldest', maxDepth: 5, rootId: 'id-nope' })).toEqual([]);
    });
  });

  describe('replies whose parent was not loaded', () => {
    it('hang from the nearest loaded ancestor instead of vanishing', () => {
      const withoutC = thread.filter((row) => row.id !== 'id-c');
      expect(shape(buildReplyTree(withoutC, { sort: 'oldest', maxDepth: 10 }))[0]).toEqual([
        'id-a',
        [['id-b', [['id-d', []]]], ['id-e', []]],
      ]);
    });

    it('join the top level, in sort order, when no ancestor was loaded', () => {
      const rows = [reply('f', 5), reply('a/b', 1), reply('a/b/c', 2)];
      expect(shape(buildReplyTree(rows, { sort: 'oldest', maxDepth: 10 }))).toEqual([
        ['id-b', [['id-c', []]]],
        ['id-f', []],
      ]);
    });
  });

  it('keeps deleted and hidden replies as placeholders that still hold their replies', () => {
    const deletedAt = new Date(start + 3_600_000);
    const rows = [reply('a', 0, { deletedAt }), reply('a/b', 1, { hiddenAt: deletedAt }), reply('a/b/c', 2)];
    const [a] = buildReplyTree(rows, { sort: 'oldest', maxDepth: 5 });
    expect(a?.reply.deletedAt).toEqual(deletedAt);
    expect(a?.children[0]?.reply.hiddenAt).toEqual(deletedAt);
    expect(a?.children[0]?.children[0]?.reply.id).toBe('id-c');
  });

  it('refuses a row loaded twice rather than showing it twice', () => {
    expect(() => buildReplyTree([...thread, reply('a/e', 4)], { sort: 'oldest', maxDepth: 5 })).toThrow(/id-e/);
  });
});

describe('countReplies', () => {
  it('counts shown replies and those continued elsewhere', () => {
    expect(countReplies(buildReplyTree(thread, { sort: 'oldest', maxDepth: 10 }))).toBe(7);
    expect(countReplies(buildReplyTree(thread, { sort: 'oldest', maxDepth: 2 }))).toBe(7);
    expect(countReplies(buildReplyTree(thread, { sort: 'oldest', maxDepth: 1 }))).toBe(7);
    expect(countReplies([])).toBe(0);
  });
});

describe('pagination of top-level replies', () => {
  it('counts pages at the edges', () => {
    expect(pageBounds(0, 1, 20)).toEqual({ page: 1, pageCount: 1, offset: 0, limit: 20 });
    expect(pageBounds(1, 1, 20).pageCount).toBe(1);
    expect(pageBounds(20, 1, 20).pageCount).toBe(1);
    expect(pageBounds(21, 2, 20)).toEqual({ page: 2, pageCount: 2, offset: 20, limit: 20 });
    expect(pageBounds(4000, 200, 20)).toEqual({ page: 200, pageCount: 200, offset: 3980, limit: 20 });
  });

  it('clamps a page out of range so the route can redirect to the one shown', () => {
    expect(pageBounds(45, 9, 20).page).toBe(3);
    expect(pageBounds(45, 0, 20).page).toBe(1);
    expect(pageBounds(45, -3, 20).page).toBe(1);
    expect(pageBounds(45, Number.NaN, 20).page).toBe(1);
    expect(pageBounds(45, 1.5, 20).page).toBe(1);
  });

  it('refuses a page size that cannot page', () => {
    expect(() => pageBounds(10, 1, 0)).toThrow(/perPage/);
  });

  it('slices ids for a page, the last one partial', () => {
    const ids = ['a', 'b', 'c', 'd', 'e'];
    expect(topLevelPage(ids, 1, 2)).toEqual({ ids: ['a', 'b'], page: 1, pageCount: 3 });
    expect(topLevelPage(ids, 3, 2)).toEqual({ ids: ['e'], page: 3, pageCount: 3 });
    expect(topLevelPage(ids, 4, 2)).toEqual({ ids: ['e'], page: 3, pageCount: 3 });
    expect(topLevelPage([], 1, 2)).toEqual({ ids: [], page: 1, pageCount: 1 });
  });
});
