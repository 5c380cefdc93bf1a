import { describe, expect, it } from 'vitest';
import { accessLabel } from '../../src/server/content/access-label.ts';
import { formatDate, formatMoney } from '../../src/site/format.ts';

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
    const names = new Map([['patron', 'Field Patron'], ['naturalist', 'Naturalist']]);
    expect(accessLabel('public', names)).toBe('Public');
    expect(accessLabel('members', names)).toBe('Members');
    expect(accessLabel('paid', names)).toBe('Paid members');
    expect(accessLabel(['naturalist', 'patron'], names)).toBe('Naturalist or Field Patron');
  });
  it('names the tiers it knows, and says "Paid members" when it knows none', () => {
    expect(accessLabel(['patron', 'other'], new Map([['patron', 'Field Patron']]))).toBe('Field Patron');
    expect(accessLabel(['patron'], new Map())).toBe('Paid members');
  });
});
