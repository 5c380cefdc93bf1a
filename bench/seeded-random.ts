/**
 * A tiny seeded PRNG (mulberry32): the same seed gives the same posts on every
 * machine, so two benchmark runs build byte-identical input.
 */
export type Random = {
  /** A float in [0, 1). */
  next: () => number;
  /** An integer in [min, max], both ends included. */
  int: (min: number, max: number) => number;
  /** One element of a non-empty list. */
  pick: <T>(items: readonly T[]) => T;
  /** `count` distinct elements, in list order. */
  sample: <T>(items: readonly T[], count: number) => T[];
  /** True with probability `p`. */
  chance: (p: number) => boolean;
};

export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)] as T;
  const sample = <T>(items: readonly T[], count: number): T[] => {
    // Selection sampling keeps the original order, so tags read consistently.
    const chosen: T[] = [];
    let needed = Math.min(count, items.length);
    for (let i = 0; i < items.length && needed > 0; i++) {
      if (next() < needed / (items.length - i)) {
        chosen.push(items[i] as T);
        needed--;
      }
    }
    return chosen;
  };
  const chance = (p: number): boolean => next() < p;
  return { next, int, pick, sample, chance };
}
