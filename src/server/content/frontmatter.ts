/** A post file split into its YAML frontmatter (without the `---` lines) and its body. */
export function splitFrontmatter(source: string): { frontmatter: string | undefined; body: string } {
  const match = /^---\r?\n([\s\S]*?)\r?\n---(?:\r?\n|$)/.exec(source);
  return match ? { frontmatter: match[1], body: source.slice(match[0].length) } : { frontmatter: undefined, body: source };
}
