/**
 * Names a member may not take because readers would take them for staff: the handles
 * and display names of the owner and moderators, the community's own name, and words
 * like "admin". Compared by what a reader sees, not by code points, so "Wr3n",
 * "w.r.e.n", "ԝren" (Cyrillic) and "Wrеn" (Cyrillic е) all count as "wren". Pure.
 */

/** Who may still use a reserved name: its holder, the owner (the site's names), or any staff. */
export type ReservedName = { text: string; usableBy: { memberId: string } | { role: 'owner' } | { role: 'staff' } };

export type NameUser = { id: string; role: 'owner' | 'moderator' | 'member' };

export type NameCheck = { ok: true } | { ok: false; reason: 'looks_like_staff'; resembles: string };

/** Words that read as the site or its team speaking, whatever the community is called. */
export const staffWords = ['admin', 'administrator', 'owner', 'moderator', 'mod', 'mods', 'staff', 'support', 'team', 'official', 'system', 'coterie', 'founder', 'host'];

// Capitals of other scripts drawn like Latin capitals (their lower-case forms often differ: Η, η).
const lookAlikeCapitals: Record<string, string> = {
  Α: 'a', Β: 'b', Ε: 'e', Ζ: 'z', Η: 'h', Ι: 'i', Κ: 'k', Μ: 'm', Ν: 'n', Ο: 'o', Ρ: 'p', Τ: 't', Υ: 'y', Χ: 'x',
  А: 'a', В: 'b', Е: 'e', К: 'k', М: 'm', Н: 'h', О: 'o', Р: 'p', С: 'c', Т: 't', Х: 'x', Ѕ: 's', І: 'i', Ј: 'j', У: 'y',
};
// Lower-case letters of other scripts drawn like Latin ones (Unicode's confusables, the ones fonts make identical).
const lookAlikeLetters: Record<string, string> = {
  а: 'a', в: 'b', г: 'r', д: 'd', е: 'e', ё: 'e', з: '3', и: 'u', й: 'u', к: 'k', л: 'n', м: 'm', н: 'h', о: 'o', п: 'n', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', ь: 'b', ѕ: 's', і: 'i', ї: 'i', ј: 'j', ԁ: 'd', ԛ: 'q', ԝ: 'w', һ: 'h', ӏ: 'l', ө: 'o', ү: 'y',
  α: 'a', β: 'b', γ: 'y', δ: 'd', ε: 'e', η: 'n', ι: 'i', κ: 'k', μ: 'u', ν: 'v', ο: 'o', ρ: 'p', σ: 'o', ς: 'c', τ: 't', υ: 'u', χ: 'x', ω: 'w',
  ı: 'i', ȷ: 'j', ɡ: 'g', ɑ: 'a', ɩ: 'i', ʟ: 'l', ꞁ: 'l', ø: 'o', đ: 'd', ħ: 'h', ł: 'l', ŧ: 't',
};
// Digits and signs used for letters; 1, i, l and | all become one letter, as do 0 and o.
const lookAlikeSigns: Record<string, string> = { '0': 'o', '1': 'l', i: 'l', '|': 'l', '!': 'l', '3': 'e', '4': 'a', '5': 's', $: 's', '7': 't', '8': 'b', '9': 'g', '6': 'b', '2': 'z' };
// Letter pairs that pass for one letter in most fonts.
const lookAlikePairs: [RegExp, string][] = [[/rn/g, 'm'], [/vv/g, 'w'], [/cl/g, 'd']];
// Padding around a name that does not make it someone else's: "the_real_wren", "wren official".
const paddingWords = ['the', 'real', 'official', 'actual', 'original', 'team', 'hq', 'og', 'here', 'its', 'im', 'iam'];

/** A name reduced to how it looks: case, accents, scripts, digits, separators and doubled letters folded away. */
export function nameSkeleton(text: string): string {
  return collapseDoubles(lettersOf(text));
}

function collapseDoubles(text: string): string {
  return text.replace(/(.)\1+/gu, '$1');
}

/** The skeleton before doubled letters are folded, so padding words still come off whole. */
function lettersOf(text: string): string {
  const letters = [...text.normalize('NFKC')]
    .map((char) => lookAlikeCapitals[char] ?? char)
    .join('')
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}/gu, '');
  const latin = [...letters]
    .map((char) => lookAlikeLetters[char] ?? char)
    .map((char) => lookAlikeSigns[char] ?? char)
    .join('')
    // Spaces, dots, dashes, underscores, zero-width and every other non-letter.
    .replace(/[^\p{L}\p{N}]/gu, '');
  let folded = latin;
  for (const [pair, single] of lookAlikePairs) folded = folded.replace(pair, single);
  return folded;
}

const paddingSkeletons = paddingWords.map(lettersOf);

/** The name's skeleton and what is left of it with padding words taken off either end. */
function variants(text: string): Set<string> {
  const seen = new Set<string>();
  const found = new Set<string>();
  const queue = [lettersOf(text)];
  while (queue.length > 0) {
    const current = queue.pop() ?? '';
    if (current.length < 2 || seen.has(current)) continue;
    seen.add(current);
    found.add(collapseDoubles(current));
    for (const pad of paddingSkeletons) {
      if (current.startsWith(pad)) queue.push(current.slice(pad.length));
      if (current.endsWith(pad)) queue.push(current.slice(0, -pad.length));
    }
  }
  return found;
}

function mayUse(user: NameUser, reserved: ReservedName): boolean {
  const by = reserved.usableBy;
  if ('memberId' in by) return by.memberId === user.id;
  return by.role === 'owner' ? user.role === 'owner' : user.role !== 'member';
}

/**
 * Refuses a handle or display name that looks like a reserved one the member may not
 * use. An empty name is always fine (the member stays nameless).
 */
export function checkNameNotReserved(candidate: string, user: NameUser, reserved: readonly ReservedName[]): NameCheck {
  const wanted = variants(candidate);
  if (wanted.size === 0) return { ok: true };
  const all = [...reserved, ...staffWords.map((text): ReservedName => ({ text, usableBy: { role: 'staff' } }))];
  for (const entry of all) {
    if (mayUse(user, entry)) continue;
    for (const skeleton of variants(entry.text)) {
      if (wanted.has(skeleton)) return { ok: false, reason: 'looks_like_staff', resembles: entry.text };
    }
  }
  return { ok: true };
}
