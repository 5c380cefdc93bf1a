import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'astro/zod';
import { newsletterSchema, resolveNewsletterSettings } from '../../src/schemas/newsletter.ts';
import { postSchema } from '../../src/schemas/post.ts';
import type { Schedule } from '../../src/server/newsletter/schedule.ts';
import { hedgerowDir } from '../support/communities.ts';

const site = { name: 'The Hedgerow', sender: { name: 'Wren', address: 'letters@hedgerow.example' }, ownerEmail: 'wren@hedgerow.example' };

/** Each problem as "path: message", the way a build reports it. */
function problems(input: unknown): string[] {
  const result = newsletterSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('newsletter.yaml settings', () => {
  it('without a file, defaults to the site name, sender and owner, and never schedules', () => {
    const settings = resolveNewsletterSettings(newsletterSchema.parse({}), site);
    expect(settings).toEqual({
      name: 'The Hedgerow',
      sender: { name: 'Wren', address: 'letters@hedgerow.example' },
      replyTo: 'wren@hedgerow.example',
      schedule: 'off',
      digest: { newPosts: true, topThreads: 3 },
      subject: '{name}: {topPost}',
    });
  });

  it('keeps what the file says over the site defaults', () => {
    const file = newsletterSchema.parse({ name: 'Weekly', replyTo: 'post@hedgerow.example', sender: { name: 'Tom', address: 'tom@hedgerow.example' }, digest: { topThreads: 0 } });
    const settings = resolveNewsletterSettings(file, site);
    expect(settings.name).toBe('Weekly');
    expect(settings.replyTo).toBe('post@hedgerow.example');
    expect(settings.sender.name).toBe('Tom');
    expect(settings.digest).toEqual({ newPosts: true, topThreads: 0 });
  });

  it('reads the demo file: weekly, Monday 09:00 in London, a schedule the sender understands', () => {
    const raw = parse(readFileSync(resolve(hedgerowDir, 'newsletter.yaml'), 'utf8'));
    const settings = newsletterSchema.parse(raw);
    const schedule: Schedule = settings.schedule;
    expect(schedule).toEqual({ every: 'week', day: 'monday', time: '09:00', timeZone: 'Europe/London' });
    expect(settings.name).toBe('The Hedgerow Weekly');
    expect(settings.digest.topThreads).toBe(3);
    expect(settings.digest.note).toBeTruthy();
  });

  it('accepts daily and monthly schedules', () => {
    expect(problems({ schedule: { every: 'day', time: '07:30', timeZone: 'UTC' } })).toEqual([]);
    expect(problems({ schedule: { every: 'month', day: 28, time: '18:00', timeZone: 'America/New_York' } })).toEqual([]);
  });

  it('names schedule.timeZone when the time zone is not one Intl knows', () => {
    expect(problems({ schedule: { every: 'week', day: 'monday', time: '09:00', timeZone: 'Europe/Londres' } })).toEqual([
      'schedule.timeZone: must be an IANA time zone name such as Europe/London, America/New_York or UTC',
    ]);
  });

  it('names the field and the allowed values for a bad day, time or frequency', () => {
    expect(problems({ schedule: { every: 'week', day: 'funday', time: '09:00', timeZone: 'UTC' } })).toEqual([
      'schedule.day: must be one of monday, tuesday, wednesday, thursday, friday, saturday, sunday',
    ]);
    expect(problems({ schedule: { every: 'month', day: 31, time: '25:00', timeZone: 'UTC' } })).toEqual([
      'schedule.day: must be a day of the month from 1 to 28 (so every month has it)',
      'schedule.time: must be a 24-hour time in quotes, such as "09:00" or "18:30"',
    ]);
    const [every] = problems({ schedule: { every: 'fortnight', time: '09:00', timeZone: 'UTC' } });
    expect(every).toMatch(/^schedule\.every: must be off, or \{ every: day \| week \| month/);
    const [word] = problems({ schedule: 'weekly' });
    expect(word).toMatch(/^schedule: must be off, or \{ every: day \| week \| month/);
    expect(problems({ digest: { topThreads: 11 } })).toEqual(['digest.topThreads: must be a whole number from 0 to 10']);
  });

  it('refuses an unknown subject placeholder, naming the ones allowed', () => {
    expect(problems({ subject: '{name} — {title}' })).toEqual(['subject: uses {title}, which is not a placeholder; use {name}, {date}, {topPost}, {count}']);
    expect(problems({ subject: '{count} new from {name} on {date}: {topPost}' })).toEqual([]);
  });
});

describe('a post’s newsletter flag', () => {
  const schema = postSchema({ image: () => z.string() } as unknown as Parameters<typeof postSchema>[0]);
  const flag = (newsletter?: unknown) => schema.safeParse({ title: 'T', description: 'D', date: '2026-11-19', ...(newsletter === undefined ? {} : { newsletter }) });

  it('is true by default, and takes true, false, "summary" or "full"', () => {
    expect(flag().data?.newsletter).toBe(true);
    for (const value of [true, false, 'summary', 'full']) expect(flag(value).data?.newsletter).toBe(value);
  });

  it('names the allowed values otherwise', () => {
    expect(flag('weekly').error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)).toEqual(['newsletter: must be true, false, "summary" or "full"']);
  });
});
