/**
 * The pieces every resource of the fake Stripe shares: answers, Stripe-shaped errors,
 * ids, list pagination and the `Wire<T>` view of the SDK's types.
 */
import { randomBytes } from 'node:crypto';
import type Stripe from 'stripe';

/** A JSON answer of the API. */
export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** An answer of the fake's own HTML pages (checkout, portal). */
export interface PageAnswer {
  status: number;
  html?: string;
  /** Set for a 303 redirect. */
  location?: string;
}

/** What Stripe records in `event.request` about the API call behind an event. */
export interface CallOrigin {
  id: string | null;
  idempotency_key: string | null;
}

/** An API call the router hands to a resource. */
export interface ApiCall {
  method: string;
  path: string;
  /** Bracket-notation parameters, nested: the query for GET and DELETE, the body for POST. */
  params: Record<string, unknown>;
  origin: CallOrigin;
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** `/v1/products` or `/v1/products/:id`. */
  path: string;
  handle(call: ApiCall, id: string): Answer;
}

/**
 * The JSON an SDK type stands for: the SDK turns `*_decimal` strings into `Decimal`
 * instances after parsing, so on the wire they are strings.
 */
export type Wire<T> = T extends string | number | boolean | null | undefined
  ? T
  : T extends Stripe.Decimal
  ? string
  : T extends readonly (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

export interface ListWire<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

export type Metadata = Record<string, string>;

export function ok(body: unknown): Answer {
  return { status: 200, body };
}

export interface StripeErrorBody {
  type: 'invalid_request_error' | 'api_error' | 'card_error' | 'idempotency_error';
  message: string;
  code?: string;
  param?: string;
}

export function stripeError(status: number, error: StripeErrorBody): Answer {
  return { status, body: { error: { ...error, doc_url: error.code ? `https://stripe.com/docs/error-codes/${error.code.replaceAll('_', '-')}` : undefined } } };
}

export function invalidRequest(message: string, param?: string, code?: string): Answer {
  return stripeError(400, { type: 'invalid_request_error', message, param, code });
}

export function missingParam(param: string): Answer {
  return invalidRequest(`Missing required param: ${param}.`, param, 'parameter_missing');
}

/**
 * Stripe's error for an id it does not know, e.g. `No such price: 'price_123'`: a 404 for
 * the object in the URL, a 400 for one named in a parameter.
 */
export function noSuch(noun: string, id: string, param = 'id', status = 404): Answer {
  return stripeError(status, { type: 'invalid_request_error', code: 'resource_missing', message: `No such ${noun}: '${id}'`, param });
}

export function unrecognizedUrl(method: string, path: string): Answer {
  return stripeError(404, {
    type: 'invalid_request_error',
    message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
  });
}

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** An opaque id like Stripe's: a type prefix and random base-62 characters. */
export function newId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let id = '';
  for (const byte of bytes) id += alphabet[byte % alphabet.length];
  return `${prefix}_${id}`;
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}

export interface PageParams {
  limit?: number;
  starting_after?: string | null;
  ending_before?: string | null;
}

/**
 * One page of a list, newest first as Stripe lists: `items` must already be filtered
 * and in that order.
 */
export function listPage<T extends { id: string }>(items: T[], page: PageParams, url: string, noun: string): Answer {
  const limit = page.limit ?? 10;
  if (limit < 1 || limit > 100) return invalidRequest('This value must be between 1 and 100 (inclusive).', 'limit');
  if (page.starting_after && page.ending_before) {
    return invalidRequest('You may only specify one of these parameters: ending_before, starting_after.', 'ending_before');
  }
  const cursor = page.starting_after ?? page.ending_before;
  const at = cursor ? items.findIndex((item) => item.id === cursor) : -1;
  if (cursor && at === -1) return invalidRequest(`No such ${noun}: '${cursor}'`, page.starting_after ? 'starting_after' : 'ending_before', 'resource_missing');
  let data: T[];
  let hasMore: boolean;
  if (page.ending_before) {
    const start = Math.max(0, at - limit);
    data = items.slice(start, at);
    hasMore = start > 0;
  } else {
    data = items.slice(at + 1, at + 1 + limit);
    hasMore = at + 1 + limit < items.length;
  }
  return ok({ object: 'list', data: clone(data), has_more: hasMore, url } satisfies ListWire<T>);
}

/** A list embedded in another object (`subscription.items`, `invoice.lines`). */
export function embeddedList<T>(data: T[], url: string): ListWire<T> {
  return { object: 'list', data, has_more: false, url };
}

/** Stripe's metadata rules: `''` for a key removes it, an empty `metadata` clears all. */
export function applyMetadata(current: Metadata, update: Metadata | null | undefined): Metadata {
  if (update === undefined) return current;
  if (update === null) return {};
  const next = { ...current };
  for (const [key, value] of Object.entries(update)) {
    if (value === '') delete next[key];
    else next[key] = value;
  }
  return next;
}
