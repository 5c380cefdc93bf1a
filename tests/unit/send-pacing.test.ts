import { describe, expect, it } from 'vitest';
import { backoffMs, createPacer, requestsPerSecondFrom, senderConcurrency, type PacerClock } from '../../src/server/newsletter/send-pacing.ts';

function fakeClock(): PacerClock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    async sleep(ms) {
      slept.push(ms);
      now += ms;
    },
  };
}

describe('send pacing', () => {
  it('spaces requests evenly at the configured rate', async () => {
    const clock = fakeClock();
    const pacer = createPacer(10, clock);
    for (let index = 0; index < 4; index += 1) await pacer.take();
    expect(clock.slept).toEqual([100, 100, 100]);
  });

  it('pauses everyone for a Retry-After, then carries on at the rate', async () => {
    const clock = fakeClock();
    const pacer = createPacer(10, clock);
    await pacer.take();
    pacer.pauseFor(2000);
    await pacer.take();
    await pacer.take();
    expect(clock.slept).toEqual([2000, 100]);
  });

  it('backs off by doubling from 2 s to at most 10 minutes, with jitter of ±20%', () => {
    expect([1, 2, 3, 4].map((attempts) => backoffMs(attempts, 0.5))).toEqual([2000, 4000, 8000, 16000]);
    expect(backoffMs(30, 0.5)).toBe(600_000);
    expect(backoffMs(1, 0)).toBe(1600);
    expect(backoffMs(1, 0.999999)).toBe(2400);
  });

  it('reads RESEND_REQUESTS_PER_SECOND, refusing a value that is not a rate', () => {
    expect(requestsPerSecondFrom({})).toBe(2);
    expect(requestsPerSecondFrom({ RESEND_REQUESTS_PER_SECOND: '10' })).toBe(10);
    expect(() => requestsPerSecondFrom({ RESEND_REQUESTS_PER_SECOND: 'ten' })).toThrow(/RESEND_REQUESTS_PER_SECOND must be a number.*not "ten"/);
    expect(() => requestsPerSecondFrom({ RESEND_REQUESTS_PER_SECOND: '0' })).toThrow(/RESEND_REQUESTS_PER_SECOND/);
    expect(() => createPacer(0)).toThrow(/positive/);
  });

  it('keeps more batches in flight at higher rates, within bounds', () => {
    expect([1, 2, 10, 20, 100].map(senderConcurrency)).toEqual([2, 2, 4, 8, 8]);
  });
});
