import { describe, expect, it } from 'vitest';
import { PAYWALL_MARKER, splitAtPaywall } from '../../src/server/content/paywall.ts';
import { mdxToPlainText, teaserText, withoutFrontmatter } from '../../src/server/content/teaser-text.ts';

describe('splitAtPaywall', () => {
  it('cuts rendered HTML at the marker', () => {
    const split = splitAtPaywall(`<p>Free</p>\n${PAYWALL_MARKER}\n<p>Paid</p>`);
    expect(split).toEqual({ marked: true, teaserHtml: '<p>Free</p>\n', gatedHtml: '\n<p>Paid</p>' });
  });

  it('treats a post without a marker as gated from the first word', () => {
    expect(splitAtPaywall('<p>Paid</p>')).toEqual({ marked: false, teaserHtml: '', gatedHtml: '<p>Paid</p>' });
  });

  it('cuts at the first of several markers and drops the others', () => {
    const split = splitAtPaywall(`<p>A</p>${PAYWALL_MARKER}<p>B</p>${PAYWALL_MARKER}<p>C</p>`);
    expect(split.teaserHtml).toBe('<p>A</p>');
    expect(split.gatedHtml).toBe('<p>B</p><p>C</p>');
  });
});

describe('teaserText', () => {
  const body = [
    'The first **moth** of spring is a [Hebrew character](https://example.com/moth).',
    '',
    '<Figure caption="A quaker on the egg box.">',
    '',
    '![A moth](../images/moth.svg)',
    '',
    '</Figure>',
    '',
    '<Paywall />',
    '',
    'Secret trap settings.',
  ].join('\n');

  it('keeps the words above the paywall line and nothing below it', () => {
    const text = teaserText(body, 'Spring moths.');
    expect(text).toBe('Spring moths.\nThe first moth of spring is a Hebrew character.\nA quaker on the egg box.');
    expect(text).not.toContain('Secret');
  });

  it('is the description alone when there is no paywall line', () => {
    expect(teaserText('Secret from the start.', 'Only this.')).toBe('Only this.');
  });

  it('does not take a paywall mentioned inside a sentence for the marker', () => {
    expect(teaserText('Write <Paywall /> on its own line.\n\nSecret.', 'Docs.')).toBe('Docs.');
  });

  it('strips headings, lists, quotes, code and MDX comments', () => {
    const source = '## Kit\n\n- a net\n- a jar\n\n> Patience.\n\n```sh\nrm -rf\n```\n\n{/* note to self */}\nUse `red` light.';
    expect(mdxToPlainText(source)).toBe('Kit\na net\na jar\nPatience.\nUse red light.');
  });
});

describe('withoutFrontmatter', () => {
  it('drops the frontmatter block and keeps the body', () => {
    expect(withoutFrontmatter('---\ntitle: A\n---\n\nBody text.\n')).toBe('\nBody text.\n');
    expect(withoutFrontmatter('No frontmatter.')).toBe('No frontmatter.');
  });
});
