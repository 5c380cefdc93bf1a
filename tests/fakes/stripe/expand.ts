/**
 * `expand[]`: replaces an id at a dotted path with the object it names, through lists
 * (`data.product`) and nested objects (`items.data.price.product`), as Stripe does.
 */
import { clone, invalidRequest, ok, type Answer } from './http.ts';

export function expandedAnswer(body: unknown, paths: string[] | undefined, find: (id: string) => unknown): Answer {
  const copy = clone(body);
  for (const path of paths ?? []) {
    const segments = path.split('.');
    if (segments.length > 4) return invalidRequest(`You cannot expand more than 4 levels of a property. Property: ${path}`, 'expand');
    if (!expandAt(copy, segments, find)) return invalidRequest(`This property cannot be expanded (${path}).`, 'expand');
  }
  return ok(copy);
}

function expandAt(node: unknown, segments: string[], find: (id: string) => unknown): boolean {
  if (Array.isArray(node)) return node.every((item) => expandAt(item, segments, find));
  if (typeof node !== 'object' || node === null) return false;
  const record = node as Record<string, unknown>;
  const [field, ...rest] = segments;
  if (field === undefined || field === 'id' || !(field in record)) return false;
  let value = record[field];
  if (typeof value === 'string') {
    const found = find(value);
    if (found === undefined) return false;
    value = record[field] = clone(found);
  }
  if (rest.length === 0) return value === null || typeof value === 'object';
  if (value === null) return true;
  return expandAt(value, rest, find);
}
