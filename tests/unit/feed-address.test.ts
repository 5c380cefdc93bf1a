import { describe, expect, it } from 'vitest';
import { builtFeedOrigin, feedAddressNotice } from '../../src/server/config/feed-address.ts';

const feed = (link: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>The Hedgerow</title><description>Notes</description><link>${link}</link>` +
  '<item><title>Frost</title><link>https://elsewhere.example/posts/frost</link></item></channel></rss>';

describe('builtFeedOrigin', () => {
  it("reads the channel's own link, not an item's", () => {
    expect(builtFeedOrigin(feed('https://hedgerow.example/'))).toBe('https://hedgerow.example');
  });

  it('gives nothing for a feed without a usable link', () => {
    expect(builtFeedOrigin('<rss><channel><title>x</title></channel></rss>')).toBeUndefined();
    expect(builtFeedOrigin(feed('not a url'))).toBeUndefined();
  });
});

describe('feedAddressNotice', () => {
  it('says where the feed points when the server runs elsewhere, and how to change it', () => {
    const notice = feedAddressNotice('https://hedgerow.example', new URL('http://localhost:4321/'));
    expect(notice).toContain('point at https://hedgerow.example');
    expect(notice).toContain('not at http://localhost:4321, where this server is reached');
    expect(notice).toContain('set url in site.yaml to http://localhost:4321');
  });

  it('says so for another port of the same host', () => {
    expect(feedAddressNotice('http://localhost:4321', new URL('http://localhost:8080'))).toContain('not at http://localhost:8080');
  });

  it('stays quiet when the two agree, or when there is no feed', () => {
    expect(feedAddressNotice('https://hedgerow.example', new URL('https://hedgerow.example/'))).toBeUndefined();
    expect(feedAddressNotice(undefined, new URL('http://localhost:4321'))).toBeUndefined();
  });
});
