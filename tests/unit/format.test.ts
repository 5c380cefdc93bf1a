import { describe, expect, it } from 'vitest';
import { accessLabel, formatDate, formatMoney } from '../../src/site/format.ts';

describe('formatMoney', () => {
  it('reads integer minor units and drops pennies from whole amounts', () => {
    expect(formatMoney(600, 'gbp', 'en')).toBe('£6');
    expect(formatMoney(1250, 'usd', 'en')).toBe('$12.50');
    expect(formatMoney(900, 'eur', 'fr')).toBe('9\u00a0€');
  });
});

describe('formatDate', () => {
  it('prints the UTC day whatever the machine time zone', () => {
    expect(formatDate(new Date('2026-03-14T23:30:00Z'), 'en')).toBe('March 14, 2026');
  });
});

describe('accessLabel', () => {
  it('names tiers by their display names', () => {
    const names = new Map([['patron', 'Field Patron']]);
    expect(accessLabel('members', names)).toBe('Members');
    expect(accessLabel(['patron', 'other'], names)).toBe('Field Patron or other');
  });
});
