import { describe, expect, it } from 'vitest';
import { checkNameNotReserved, nameSkeleton, type NameUser, type ReservedName } from '../../src/server/members/reserved-names.ts';

const owner: NameUser = { id: 'owner-1', role: 'owner' };
const moderator: NameUser = { id: 'mod-1', role: 'moderator' };
const member: NameUser = { id: 'member-1', role: 'member' };
const reserved: ReservedName[] = [
  { text: 'The Hedgerow', usableBy: { role: 'owner' } },
  { text: 'wren', usableBy: { memberId: owner.id } },
  { text: 'Wren Ashby', usableBy: { memberId: owner.id } },
  { text: 'moss', usableBy: { memberId: moderator.id } },
];
const refused = (name: string, user: NameUser = member) => !checkNameNotReserved(name, user, reserved).ok;

describe('names that look like staff', () => {
  it.each([
    ['wren'],
    ['Wren'],
    ['WREN'],
    ['@wren'],
    ['w.r.e.n'],
    ['w_r-e n'],
    ['wrenn'],
    ['Wr3n'],
    ['ԝren'], // Cyrillic komi we
    ['wrеn'], // Cyrillic ie
    ['ｗｒｅｎ'], // full-width, folded by NFKC
    ['Wrén'],
    ['the_real_wren'],
    ['wren official'],
    ['Wren\u200BAshby'], // a zero-width space
    ['W r e n  A s h b y'],
    ['rnoss'], // rn for m
    ['m0ss'],
    ['Hedgerow'],
    ['The Hedgerow'],
    ['Τhe Ηedgerow'], // Greek capitals tau and eta
    ['admin'],
    ['Moderator'],
    ['m0derat0r'],
    ['Staff'],
    ['the owner'],
    ['Support Team'],
  ])('refuses %s for a member', (name) => {
    expect(refused(name)).toBe(true);
  });

  it.each([['wrenna'], ['Lawrence'], ['Fern'], ['Mossy Bank'], ['Ada Lovelace'], ['hedge'], ['Moth watcher'], ['jo'], ['Ömer Şahin'], ['李小龙']])(
    'lets a member be %s',
    (name) => {
      expect(refused(name)).toBe(false);
    },
  );

  it("lets staff keep their own names, and the owner the community's", () => {
    expect(refused('wren', owner)).toBe(false);
    expect(refused('Wren Ashby', owner)).toBe(false);
    expect(refused('The Hedgerow', owner)).toBe(false);
    expect(refused('moss', moderator)).toBe(false);
    expect(refused('Moderator', moderator)).toBe(false);
  });

  it("refuses one staff member the other's name", () => {
    expect(refused('wren', moderator)).toBe(true);
    expect(refused('The Hedgerow', moderator)).toBe(true);
    expect(refused('moss', owner)).toBe(true);
  });

  it('says which name it resembles', () => {
    expect(checkNameNotReserved('W.R.3.N', member, reserved)).toEqual({ ok: false, reason: 'looks_like_staff', resembles: 'wren' });
  });

  it('folds look-alikes to one skeleton', () => {
    expect(nameSkeleton('I1l|')).toBe(nameSkeleton('llll'));
    expect(nameSkeleton('0o')).toBe('o');
    expect(nameSkeleton('corn')).toBe(nameSkeleton('com'));
  });
});
