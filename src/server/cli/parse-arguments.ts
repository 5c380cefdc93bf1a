/**
 * A small, strict parser for one command's arguments: `--name value`, `--name=value`,
 * `--flag`, positionals, and `--` to end options. Strict because a mistyped option
 * silently ignored (say, `--untill`) would grant access for ever.
 */

/** Option names (without dashes) and whether each is a bare flag or takes a value. */
export type OptionSpec = Readonly<Record<string, 'flag' | 'value'>>;

export type ParsedArguments =
  | { ok: true; positionals: string[]; options: Partial<Record<string, string | true>> }
  | { ok: false; message: string };

export function parseArguments(args: readonly string[], spec: OptionSpec): ParsedArguments {
  const positionals: string[] = [];
  const options: Partial<Record<string, string | true>> = {};
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? '';
    if (arg === '--') {
      positionals.push(...args.slice(index + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const match = /^--([a-z][a-z-]*)(?:=(.*))?$/s.exec(arg);
    const name = match?.[1];
    const kind = name === undefined ? undefined : spec[name];
    if (name === undefined || kind === undefined) return { ok: false, message: `Unknown option ${arg.split('=')[0]}.` };
    if (options[name] !== undefined) return { ok: false, message: `--${name} is given twice.` };
    const inline = match?.[2];
    if (kind === 'flag') {
      if (inline !== undefined) return { ok: false, message: `--${name} takes no value.` };
      options[name] = true;
      continue;
    }
    if (inline !== undefined) {
      options[name] = inline;
      continue;
    }
    const next = args[index + 1];
    // `--note --json` is far more likely a forgotten value than a note reading "--json".
    if (next === undefined || next.startsWith('--')) return { ok: false, message: `--${name} needs a value.` };
    options[name] = next;
    index++;
  }
  return { ok: true, positionals, options };
}
