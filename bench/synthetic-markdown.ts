/**
 * Building blocks for synthetic MDX bodies. Prose uses only letters, commas and
 * full stops, so nothing in it can be read as JSX or an expression by the MDX parser.
 */
import type { Random } from './seeded-random.ts';

const NOUNS = [
  'heron', 'warbler', 'lichen', 'moth', 'fern', 'estuary', 'hedgerow', 'meadow', 'tide',
  'notebook', 'transect', 'quadrat', 'spore', 'burrow', 'canopy', 'marsh', 'dune', 'orchid',
  'beetle', 'larva', 'nest', 'feather', 'bramble', 'willow', 'alder', 'reedbed', 'kestrel',
  'dragonfly', 'mushroom', 'mycelium', 'pond', 'stream', 'ridge', 'hollow', 'thicket',
  'lantern', 'trap', 'sketch', 'recording', 'migration', 'season', 'frost', 'dawn', 'dusk',
  'checklist', 'specimen', 'hand lens', 'field guide', 'shoreline', 'rockpool',
] as const;
const VERBS = [
  'watched', 'counted', 'noted', 'followed', 'recorded', 'sketched', 'found', 'missed',
  'mapped', 'compared', 'photographed', 'measured', 'heard', 'traced', 'revisited',
  'checked', 'logged', 'sorted', 'identified', 'waited for',
] as const;
const ADJECTIVES = [
  'quiet', 'early', 'late', 'damp', 'bright', 'patient', 'common', 'rare', 'small', 'pale',
  'restless', 'distant', 'familiar', 'muddy', 'sheltered', 'windy', 'careful', 'slow',
  'golden', 'grey', 'silver', 'tangled', 'open', 'hidden', 'seasonal',
] as const;
const LINKERS = [
  'and then', 'while', 'because', 'although', 'after', 'before', 'until', 'so', 'but',
  'whenever', 'as soon as', 'even though',
] as const;
const OPENERS = [
  'This morning', 'Last week', 'Every spring', 'On the way back', 'Near the old gate',
  'By the second visit', 'For most of the year', 'In the end', 'At first light',
  'Along the lower path', 'Without much hope', 'Twice now',
] as const;
const LANGUAGES = ['js', 'ts', 'python', 'bash', 'yaml', 'json'] as const;
const CODE_SAMPLES: Record<(typeof LANGUAGES)[number], string> = {
  js: "const counts = sightings.reduce((total, s) => total + s.count, 0);\nconsole.log(`seen: ${counts}`);",
  ts: 'type Sighting = { species: string; count: number; at: Date };\nexport const total = (list: Sighting[]) => list.reduce((n, s) => n + s.count, 0);',
  python: 'from collections import Counter\n\ncounts = Counter(s["species"] for s in sightings)\nprint(counts.most_common(5))',
  bash: 'exiftool -DateTimeOriginal -csv photos/ > dates.csv\nsort -t, -k2 dates.csv | head -n 20',
  yaml: 'transect: lower-meadow\nvisits: 12\nspecies:\n  - name: meadow brown\n    count: 31',
  json: '{ "transect": "lower-meadow", "visits": 12, "species": [{ "name": "meadow brown", "count": 31 }] }',
};

// Made-up Latin names give the search index a vocabulary that grows with the corpus, as real writing does.
const SYLLABLES = [
  'ca', 'lo', 'pte', 'ryx', 'vir', 'go', 'ar', 'de', 'a', 'mus', 'ci', 'ca', 'lu', 'tra', 'phe', 'no',
  'ste', 'ri', 'bo', 'le', 'tus', 'xan', 'tho', 'ria', 'par', 'me', 'li', 'ae', 'quer', 'cus', 'sal', 'ix',
] as const;

const capitalize = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
export const countWords = (text: string): number => text.split(/\s+/).filter(Boolean).length;

export function phrase(random: Random, words: number): string {
  const out: string[] = [];
  while (out.length < words) {
    out.push(random.pick(ADJECTIVES), random.pick(NOUNS));
  }
  return out.slice(0, words).join(' ');
}

export function sentence(random: Random): string {
  const clause = () =>
    `the ${random.pick(ADJECTIVES)} ${random.pick(NOUNS)} ${random.pick(VERBS)} the ${random.pick(NOUNS)}`;
  const opener = random.chance(0.3) ? `${random.pick(OPENERS)}, ` : '';
  const body = random.chance(0.6) ? `${clause()} ${random.pick(LINKERS)} ${clause()}` : clause();
  return opener ? `${opener}${body}.` : `${capitalize(body)}.`;
}

export function latinName(random: Random): string {
  const word = () => Array.from({ length: random.int(2, 4) }, () => random.pick(SYLLABLES)).join('');
  return `${capitalize(word())} ${word()}`;
}

/** A paragraph of 3–6 sentences, sometimes with emphasis, inline code or a link. */
export function paragraph(random: Random, slugs: readonly string[]): string {
  const sentences = Array.from({ length: random.int(3, 6) }, () => sentence(random));
  if (random.chance(0.3)) sentences.push(`It was *${phrase(random, 2)}*, mostly.`);
  if (random.chance(0.6)) sentences.push(`Probably *${latinName(random)}*, though the ${random.pick(NOUNS)} disagreed.`);
  if (random.chance(0.2)) sentences.push(`The log lists it under \`${random.pick(NOUNS).replace(' ', '-')}\`.`);
  if (random.chance(0.35)) sentences.push(link(random, slugs));
  return sentences.join(' ');
}

function link(random: Random, slugs: readonly string[]): string {
  if (slugs.length > 0 && random.chance(0.6)) {
    return `See also [${phrase(random, 2)}](/posts/${random.pick(slugs)}/).`;
  }
  return `More in [the ${random.pick(NOUNS)} notes](https://example.org/${random.pick(NOUNS).replace(' ', '-')}).`;
}

export function heading(random: Random): string {
  return `## ${capitalize(phrase(random, random.int(2, 4)))}`;
}

export function list(random: Random): string {
  const ordered = random.chance(0.4);
  return Array.from({ length: random.int(3, 6) }, (_, i) => {
    const marker = ordered ? `${i + 1}.` : '-';
    return `${marker} ${capitalize(phrase(random, random.int(2, 5)))}`;
  }).join('\n');
}

export function blockquote(random: Random): string {
  return `> ${sentence(random)} ${sentence(random)}`;
}

export function codeBlock(random: Random): string {
  const language = random.pick(LANGUAGES);
  return `\`\`\`${language}\n${CODE_SAMPLES[language]}\n\`\`\``;
}

export function callout(random: Random): string {
  return `<Callout type="note">${sentence(random)}</Callout>`;
}
