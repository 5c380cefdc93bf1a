import { describe, expect, it } from 'vitest';
import { latestSlot, nextSlot, type Schedule } from '../../src/server/newsletter/schedule.ts';

const mondayLondon: Schedule = { every: 'week', day: 'monday', time: '09:00', timeZone: 'Europe/London' };

describe('digest schedule', () => {
  it('finds the next Monday 09:00 in London, in winter (UTC) and in summer (BST)', () => {
    // Sunday 22 November 2026 → Monday 23 November, GMT.
    expect(nextSlot(mondayLondon, new Date('2026-11-22T12:00:00Z'))?.toISOString()).toBe('2026-11-23T09:00:00.000Z');
    // Wednesday 1 July 2026 → Monday 6 July, BST (UTC+1).
    expect(nextSlot(mondayLondon, new Date('2026-07-01T12:00:00Z'))?.toISOString()).toBe('2026-07-06T08:00:00.000Z');
  });

  it('is strictly after: at the slot itself the next one is a week later', () => {
    expect(nextSlot(mondayLondon, new Date('2026-11-23T09:00:00Z'))?.toISOString()).toBe('2026-11-30T09:00:00.000Z');
    expect(latestSlot(mondayLondon, new Date('2026-11-23T09:00:00Z'))?.toISOString()).toBe('2026-11-23T09:00:00.000Z');
    expect(latestSlot(mondayLondon, new Date('2026-11-23T08:59:59Z'))?.toISOString()).toBe('2026-11-16T09:00:00.000Z');
  });

  it('keeps the wall-clock time across the spring-forward change', () => {
    // London moves to BST on Sunday 29 March 2026; the next Monday is 30 March.
    expect(nextSlot(mondayLondon, new Date('2026-03-28T12:00:00Z'))?.toISOString()).toBe('2026-03-30T08:00:00.000Z');
  });

  it('handles zones ahead of UTC where the local date differs from the UTC date', () => {
    const tokyo: Schedule = { every: 'day', time: '07:30', timeZone: 'Asia/Tokyo' };
    // 23:00 UTC on the 22nd is 08:00 on the 23rd in Tokyo: the next 07:30 is the 24th local.
    expect(nextSlot(tokyo, new Date('2026-11-22T23:00:00Z'))?.toISOString()).toBe('2026-11-23T22:30:00.000Z');
  });

  it('supports a monthly day and sending turned off', () => {
    const monthly: Schedule = { every: 'month', day: 1, time: '18:00', timeZone: 'America/New_York' };
    expect(nextSlot(monthly, new Date('2026-11-22T00:00:00Z'))?.toISOString()).toBe('2026-12-01T23:00:00.000Z');
    expect(nextSlot('off', new Date())).toBeUndefined();
    expect(latestSlot('off', new Date())).toBeUndefined();
  });
});
