/**
 * The one check every on-demand request passes before its page runs: a path with a control
 * character in it names nothing (404), and a page's POST must carry a form the page can
 * read (400 or 415, with a plain reason). Either way the page never starts, so nothing
 * changes. The body is read from a copy; the server bounds its size before this runs.
 */
import { controlCharacterMessage, fieldWithControlCharacter, judgeFormContentType, takesFormBody, unreadableFormMessage } from './form-body-rules.ts';

export interface RequestToCheck {
  request: Request;
  pathname: string;
  /** The route's decoded path parameters. */
  params: Readonly<Record<string, string | undefined>>;
}

// Any C0 character or DEL: no id, slug or handle of ours has one, and NUL breaks every query.
const controlInPath = /[\u0000-\u001f\u007f]/;

/** The answer that stops the request, or undefined to let the page run. */
export async function refuseUnreadableRequest({ request, pathname, params }: RequestToCheck): Promise<Response | undefined> {
  // A body-less 404 is answered with the site's own not-found page.
  if (Object.values(params).some((value) => value !== undefined && controlInPath.test(value))) return new Response(null, { status: 404 });
  if (request.method.toUpperCase() !== 'POST' || !takesFormBody(pathname)) return undefined;

  const shape = judgeFormContentType(request.headers.get('content-type'));
  if (!shape.ok) return plainRefusal(shape.status, shape.message);
  let form: FormData;
  try {
    form = await request.clone().formData();
  } catch {
    return plainRefusal(400, unreadableFormMessage);
  }
  const field = fieldWithControlCharacter(form.entries());
  return field === undefined ? undefined : plainRefusal(400, controlCharacterMessage(field));
}

function plainRefusal(status: number, message: string): Response {
  return new Response(`${message}\n`, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } });
}
