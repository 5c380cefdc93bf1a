import { describe, expect, it } from 'vitest';
import { longDate, renderSubject } from '../../src/server/newsletter/digest/subject.ts';

const values = { name: 'The Hedgerow Weekly', date: '23 November 2026', topPost: 'A first frost walk', count: '4' };

describe('digest subject', () => {
  it('fills every placeholder, as often as it appears', () => {
    expect(renderSubject('{name}: {topPost}', values)).toBe('The Hedgerow Weekly: A first frost walk');
    expect(renderSubject('{count} new posts ({date}) — {name}, {name}', values)).toBe('4 new posts (23 November 2026) — The Hedgerow Weekly, The Hedgerow Weekly');
  });

  it('keeps the subject on one line whatever a title holds', () => {
    expect(renderSubject('{name}: {topPost}', { ...values, topPost: 'Frost\r\nBcc: everyone@example.com' })).toBe('The Hedgerow Weekly: Frost Bcc: everyone@example.com');
  });

  it('dates the digest on the calendar of the schedule’s time zone and in the site’s language', () => {
    const lateSunday = new Date('2026-11-22T23:30:00Z');
    expect(longDate(lateSunday, 'en-GB', 'Europe/London')).toBe('22 November 2026');
    expect(longDate(lateSunday, 'en-GB', 'Asia/Tokyo')).toBe('23 November 2026');
    expect(longDate(lateSunday, 'en', 'America/New_York')).toBe('November 22, 2026');
    expect(longDate(lateSunday, 'fr', 'Europe/Paris')).toBe('23 novembre 2026');
  });
});
