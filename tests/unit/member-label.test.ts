import { describe, expect, it } from 'vitest';
import { memberLabel, nickname, staffMark } from '../../src/server/members/member-label.ts';

const everyone = { audience: 'everyone', communityName: 'The Hedgerow' } as const;
const staff = { audience: 'staff' } as const;

describe('how members are named', () => {
  it('uses the name, else the @handle', () => {
    expect(memberLabel({ id: 'kzcyabcd', name: 'Wren', handle: 'wren', role: 'owner' }, everyone)).toBe('Wren');
    expect(memberLabel({ id: 'kzcyabcd', name: '  ', handle: 'fern', role: 'member' }, everyone)).toBe('@fern');
  });

  it('names a nameless owner after the community, not "Member kzcy"', () => {
    expect(memberLabel({ id: 'kzcyabcd', name: null, handle: null, role: 'owner' }, everyone)).toBe('The Hedgerow');
  });

  it('gives a nameless member a stable two-word nickname instead of an id', () => {
    const label = memberLabel({ id: '7e6gqwerty', name: null, handle: null, role: 'member' }, everyone);
    expect(label).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
    expect(label).toBe(nickname('7e6gqwerty'));
    expect(memberLabel({ id: '7e6gqwerty', name: null, handle: null }, everyone)).toBe(label);
  });

  it('tells most nameless members apart', () => {
    const ids = Array.from({ length: 200 }, (_, index) => `member${index.toString(32)}xyz`);
    expect(new Set(ids.map(nickname)).size).toBeGreaterThan(185);
  });

  it('shows staff the name, handle or address, and marks staff', () => {
    expect(memberLabel({ id: 'a', name: 'Moss', handle: 'moss', role: 'moderator', email: 'moss@example.com' }, staff)).toBe('Moss (@moss) · Moderator');
    expect(memberLabel({ id: 'a', name: null, handle: null, role: 'member', email: 'fern@example.com' }, staff)).toBe('fern@example.com');
    expect(staffMark('owner')).toBe('Owner');
    expect(staffMark('member')).toBeUndefined();
  });
});
