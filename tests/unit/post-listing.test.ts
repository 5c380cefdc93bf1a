import { describe, expect, it } from 'vitest';
import { homeSelection, isPublished, publishedNewestFirst, tagCounts } from '../../src/server/content/post-listing.ts';

const post = (id: string, date: string, extra: Partial<{ tags: string[]; featured: boolean; draft: boolean }> = {}) => ({
  id,
  data: { date: new Date(date), tags: extra.tags ?? [], featured: extra.featured ?? false, draft: extra.draft ?? false },
});

describe('publishedNewestFirst', () => {
  it('sorts newest first and leaves out drafts and posts dated after now', () => {
    const posts = [post('old', '2026-01-01'), post('draft', '2026-02-01', { draft: true }), post('new', '2026-03-01'), post('future', '2026-12-01')];
    const ids = publishedNewestFirst(posts, new Date('2026-11-21')).map((p) => p.id);
    expect(ids).toEqual(['new', 'old']);
  });

  it('orders posts of the same day by id, so builds are stable', () => {
    const ids = publishedNewestFirst([post('b', '2026-01-01'), post('a', '2026-01-01')], new Date('2026-02-01')).map((p) => p.id);
    expect(ids).toEqual(['a', 'b']);
  });
});

describe('tagCounts', () => {
  it('counts posts per tag, most used first then alphabetically', () => {
    const posts = [post('1', '2026-01-01', { tags: ['moths', 'birds'] }), post('2', '2026-01-02', { tags: ['moths'] }), post('3', '2026-01-03', { tags: ['fungi'] })];
    expect(tagCounts(posts)).toEqual([
      { tag: 'moths', count: 2 },
      { tag: 'birds', count: 1 },
      { tag: 'fungi', count: 1 },
    ]);
  });
});

describe('homeSelection', () => {
  it('puts featured posts first and does not repeat them in latest', () => {
    const posts = [post('a', '2026-01-05'), post('b', '2026-01-04', { featured: true }), post('c', '2026-01-03'), post('d', '2026-01-02', { featured: true })];
    const { featured, latest } = homeSelection(posts, 1, 2);
    expect(featured.map((p) => p.id)).toEqual(['b']);
    expect(latest.map((p) => p.id)).toEqual(['a', 'c']);
  });
});

describe('isPublished', () => {
  it('is false for drafts and for posts dated after now', () => {
    const now = new Date('2026-11-21T12:00:00Z');
    expect(isPublished(post('a', '2026-11-21'), now)).toBe(true);
    expect(isPublished(post('b', '2026-11-22'), now)).toBe(false);
    expect(isPublished(post('c', '2026-01-01', { draft: true }), now)).toBe(false);
  });
});
