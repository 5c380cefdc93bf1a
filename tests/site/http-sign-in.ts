import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningSite } from './site-server.ts';

/** The newest outbox email to `to`, waiting briefly for the server to write it. */
export async function latestEmailTo(outboxDir: string, to: string): Promise<{ subject: string; text: string; html: string }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    let files: string[] = [];
    try {
      files = readdirSync(outboxDir).filter((name) => name.endsWith('.json')).sort().reverse();
    } catch {
      // not created yet
    }
    for (const file of files) {
      const message = JSON.parse(readFileSync(join(outboxDir, file), 'utf8')) as { to: string; subject: string; text: string; html: string };
      if (message.to === to) return message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`No email to ${to} in ${outboxDir}`);
}

/** A POST from the site's own pages, as a browser sends it. */
export function postForm(site: RunningSite, path: string, fields: Record<string, string>, cookie = ''): Promise<Response> {
  return fetch(new URL(path, site.url), {
    method: 'POST',
    redirect: 'manual',
    headers: { Origin: site.url, 'Content-Type': 'application/x-www-form-urlencoded', ...(cookie ? { Cookie: cookie } : {}) },
    body: new URLSearchParams(fields),
  });
}

/** Signs `email` in through the real pages and returns the `Cookie` header value to send. */
export async function signInOverHttp(site: RunningSite, email: string): Promise<string> {
  const asked = await postForm(site, '/signin', { email, next: '/' });
  if (asked.status !== 303) throw new Error(`POST /signin answered ${asked.status}`);
  const message = await latestEmailTo(site.outboxDir, email);
  const token = /\/signin\/confirm\?token=([a-z2-9]+)/.exec(message.text)?.[1];
  if (!token) throw new Error('No sign-in link in the email');
  const confirmed = await postForm(site, '/signin/confirm', { token });
  const session = confirmed.headers.getSetCookie().find((cookie) => cookie.startsWith('coterie_session='));
  if (confirmed.status !== 303 || !session) throw new Error(`Confirming answered ${confirmed.status} without a session cookie`);
  return session.split(';')[0] ?? '';
}
