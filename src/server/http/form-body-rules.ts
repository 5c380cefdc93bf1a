/**
 * What a page's form POST must look like before the page reads it. Every form here is a
 * plain HTML form, so its body is url-encoded or multipart; anything else (JSON, text, no
 * Content-Type, a multipart body with no boundary) would make `formData()` throw inside
 * the page, after it had perhaps begun its work. Refused up front instead, with a reason.
 */

/**
 * Routes that read their own bodies, or none: the provider webhooks and the owner CLI take
 * JSON, and the one-click unsubscribe addresses (RFC 8058) take whatever a mail client
 * sends, an empty body included, and need only the signed token in their URL. Exact paths.
 */
const readsItsOwnBody: ReadonlySet<string> = new Set([
  '/api/stripe/webhook',
  '/api/resend/webhook',
  '/api/cli',
  '/unsubscribe/one-click',
  '/notifications/stop',
]);

export function takesFormBody(pathname: string): boolean {
  return !readsItsOwnBody.has(pathname.replace(/\/+$/, ''));
}

export type FormContentVerdict =
  | { ok: true; kind: 'urlencoded' | 'multipart' }
  | { ok: false; status: 400 | 415; message: string };

const acceptedTypes = 'application/x-www-form-urlencoded or multipart/form-data';

/** Whether a Content-Type header names a form body the pages can read. */
export function judgeFormContentType(contentType: string | null): FormContentVerdict {
  const [essence = '', ...parameters] = (contentType ?? '').split(';').map((part) => part.trim());
  const type = essence.toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return { ok: true, kind: 'urlencoded' };
  if (type === 'multipart/form-data') {
    const boundary = parameters.map(parameterOf).find((parameter) => parameter?.name === 'boundary')?.value ?? '';
    // RFC 2046: 1 to 70 characters.
    if (boundary.length === 0 || boundary.length > 70) {
      return { ok: false, status: 400, message: 'This form could not be read: a multipart/form-data body needs a boundary. Nothing was changed.' };
    }
    return { ok: true, kind: 'multipart' };
  }
  // Named back only when it looks like a media type, so the answer never echoes junk.
  const named = /^[a-z0-9!#$&^_.+-]{1,60}\/[a-z0-9!#$&^_.+-]{1,60}$/.test(type) ? `it was ${type}` : type ? 'its Content-Type was not one' : 'it had no Content-Type';
  return { ok: false, status: 415, message: `This address takes a form from its own page, sent as ${acceptedTypes}; ${named}. Nothing was changed.` };
}

function parameterOf(text: string): { name: string; value: string } | undefined {
  const equals = text.indexOf('=');
  if (equals < 1) return undefined;
  const value = text.slice(equals + 1).trim();
  return { name: text.slice(0, equals).trim().toLowerCase(), value: value.startsWith('"') && value.endsWith('"') && value.length >= 2 ? value.slice(1, -1) : value };
}

export const unreadableFormMessage =
  'This form could not be read: its body does not match its Content-Type. Nothing was changed. Go back to the page, reload it, and send the form again.';

/**
 * C0 control characters other than tab, line feed and carriage return. None can be typed
 * into a form, NUL is refused by Postgres in any text column, and the rest would end up
 * in names and titles shown elsewhere (a terminal, an email subject).
 */
const controlCharacter = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;

export function hasControlCharacter(text: string): boolean {
  return controlCharacter.test(text);
}

/**
 * Post and reply text has a rule of its own (discussions/body-rules.ts) that refuses these
 * characters too, and its page shows the reason beside the kept text: text pasted from a
 * word processor can carry a stray vertical tab, and a long reply is worth not losing.
 */
const checkedByItsPage: ReadonlySet<string> = new Set(['body']);

/** The first form field (by name) whose name or text holds a control character; files are not text. */
export function fieldWithControlCharacter(entries: Iterable<readonly [string, unknown]>): string | undefined {
  for (const [name, value] of entries) {
    if (hasControlCharacter(name)) return name;
    if (typeof value === 'string' && !checkedByItsPage.has(name) && hasControlCharacter(value)) return name;
  }
  return undefined;
}

export function controlCharacterMessage(field: string): string {
  // A field name of ours is a word; anything else is not worth repeating back.
  const which = /^[a-z][a-z0-9-]{0,39}$/i.test(field) ? `The “${field}” field` : 'A field of this form';
  return `${which} holds a control character (such as NUL) that cannot be saved. Nothing was changed: go back, remove it, and send the form again.`;
}
