/**
 * Stripe's v1 parameters: form-encoded with bracket notation (`a[b][0][c]=x`, as the SDK
 * and `qs` write them), read against a small per-endpoint spec that turns them into
 * typed values and answers Stripe's own errors for unknown or malformed parameters.
 */
import { invalidRequest, type Answer, type Metadata } from './http.ts';

/** Parses `a[b][0][c]=x&a[b][1][c]=y` into nested objects; keys 0..n-1 become arrays. */
export function parseForm(encoded: string): Record<string, unknown> {
  const root: Record<string, unknown> = Object.create(null);
  for (const [key, value] of new URLSearchParams(encoded)) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
    // A key Stripe would not parse either is kept whole, so it surfaces as unknown.
    const segments = match?.[1] ? [match[1], ...[...(match[2] ?? '').matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1] ?? '')] : [key];
    let node = root;
    segments.forEach((segment, index) => {
      // `a[]=x` appends, as `qs` reads it.
      const name = segment === '' ? String(Object.keys(node).length) : segment;
      if (index === segments.length - 1) {
        node[name] = value;
        return;
      }
      const child = node[name];
      if (typeof child !== 'object' || child === null) node[name] = Object.create(null);
      node = node[name] as Record<string, unknown>;
    });
  }
  return arraysFromIndexes(root) as Record<string, unknown>;
}

function arraysFromIndexes(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  const entries = keys.map((key) => [key, arraysFromIndexes(record[key])] as const);
  const indexed = keys.length > 0 && keys.every((key) => /^\d+$/.test(key));
  if (indexed) return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, item]) => item);
  return Object.assign(Object.create(null), Object.fromEntries(entries));
}

/** What a parameter is: a leaf type, an array of one kind, or a nested hash. */
export type Kind = 'string' | 'integer' | 'boolean' | 'metadata' | 'strings' | readonly [Kind] | Spec;
export interface Spec {
  readonly [name: string]: Kind;
}

/** The typed value of a spec. A string sent empty (Stripe's "unset") reads as `null`. */
export type Parsed<K> = K extends 'string'
  ? string | null
  : K extends 'integer'
    ? number
    : K extends 'boolean'
      ? boolean
      : K extends 'metadata'
        ? Metadata | null
        : K extends 'strings'
          ? string[]
          : K extends readonly [infer E]
            ? Parsed<E>[]
            : K extends Spec
              ? { -readonly [P in keyof K]?: Parsed<K[P]> }
              : never;

/** Parameters every list endpoint takes. */
export const listSpec = { limit: 'integer', starting_after: 'string', ending_before: 'string', expand: 'strings' } as const;

class ParamError extends Error {
  readonly answer: Answer;
  constructor(answer: Answer) {
    super('invalid parameter');
    this.answer = answer;
  }
}

export function readParams<S extends Spec>(raw: Record<string, unknown>, spec: S): { ok: true; params: Parsed<S> } | { ok: false; answer: Answer } {
  try {
    return { ok: true, params: readHash(raw, spec, '') as Parsed<S> };
  } catch (error) {
    if (error instanceof ParamError) return { ok: false, answer: error.answer };
    throw error;
  }
}

function fail(message: string, param: string, code?: string): never {
  throw new ParamError(invalidRequest(message, param, code));
}

function readHash(raw: unknown, spec: Spec, prefix: string): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(`Invalid hash`, prefix);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const name = prefix ? `${prefix}[${key}]` : key;
    const kind = spec[key];
    if (kind === undefined) {
      fail(`Received unknown parameter: ${name}. (Fake Stripe: this parameter is not modelled; see tests/fakes/stripe-api.ts.)`, name, 'parameter_unknown');
    }
    const read = readValue(value, kind, name);
    if (read !== undefined) out[key] = read;
  }
  return out;
}

function readValue(value: unknown, kind: Kind, name: string): unknown {
  if (typeof kind === 'string') return readLeaf(value, kind, name);
  if (isTuple(kind)) {
    if (value === '') return [];
    if (!Array.isArray(value)) fail(`Invalid array`, name);
    return value.map((item, index) => readValue(item, kind[0], `${name}[${index}]`));
  }
  if (value === '') return undefined;
  return readHash(value, kind, name);
}

function isTuple(kind: Kind): kind is readonly [Kind] {
  return Array.isArray(kind);
}

function readLeaf(value: unknown, kind: 'string' | 'integer' | 'boolean' | 'metadata' | 'strings', name: string): unknown {
  switch (kind) {
    case 'string':
      if (typeof value !== 'string') fail(`Invalid string: ${JSON.stringify(value)}`, name);
      return value === '' ? null : value;
    case 'integer':
      if (value === '') return undefined;
      if (typeof value !== 'string' || !/^-?\d+$/.test(value)) fail(`Invalid integer: ${String(value)}`, name);
      return Number(value);
    case 'boolean':
      if (value === '') return undefined;
      if (value !== 'true' && value !== 'false') fail(`Invalid boolean: ${String(value)}`, name);
      return value === 'true';
    case 'strings':
      if (value === '') return [];
      if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) fail(`Invalid array`, name);
      return value;
    case 'metadata':
      return readMetadata(value, name);
  }
}

function readMetadata(value: unknown, name: string): Metadata | null {
  if (value === '') return null;
  if (typeof value !== 'object' || value === null) fail(`Invalid hash`, name);
  // `metadata[0]=x` was read as an array; for metadata the index is just a key.
  const entries = Array.isArray(value) ? value.map((item, index) => [String(index), item] as const) : Object.entries(value);
  const metadata: Metadata = {};
  for (const [key, item] of entries) {
    if (typeof item !== 'string') fail(`Invalid string: ${JSON.stringify(item)}`, `${name}[${key}]`);
    if (key.length > 40) fail(`Metadata keys can have up to 40 characters; '${key}' has ${key.length}.`, `${name}[${key}]`);
    if (item.length > 500) fail(`Metadata values can have up to 500 characters, but you passed in a value that is ${item.length} characters.`, `${name}[${key}]`);
    metadata[key] = item;
  }
  if (Object.keys(metadata).length > 50) fail('Metadata can have up to 50 keys.', name);
  return metadata;
}
