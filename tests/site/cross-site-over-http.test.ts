/**
 * The cross-site check through the real server: a write is accepted only from the site's
 * configured address (and its loopback names when that address is local), never from an
 * origin built out of the Host header the client sent; and Strict-Transport-Security
 * exactly when that address is https.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { formStamp } from './http-sign-in.ts';
import { serveSite, type RunningSite } from './site-server.ts';

/** A sign-in form POST with the Host and Origin given, as a client that writes its own headers sends it. */
function postSignIn(site: RunningSite, listening: URL, host: string, origin: string): Promise<{ status: number; body: string }> {
  return new Promise((done, failed) => {
    const sent = request(
      { host: listening.hostname.replace(/^\[|\]$/g, ''), port: listening.port, path: '/signin', method: 'POST', headers: { Host: host, Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' } },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => done({ status: response.statusCode ?? 0, body }));
      },
    );
    sent.once('error', failed);
    // A stamp from a minute ago, as the page would have carried: the form is a person's, only its origin is in question.
    sent.end(new URLSearchParams({ email: 'spoof-target@example.com', next: '/', form_started: formStamp(site, 'signin') }).toString());
  });
}

const listeningOf = (site: RunningSite) => new URL(/listening on (http:\/\/\S+)/.exec(site.output())?.[1] ?? '');

describe.each([
  ['a local site', {}],
  ['a site with a public address', { SITE_URL: 'https://hedgerow.example' }],
])('on %s', (_where, env) => {
  let site: RunningSite;
  let listening: URL;
  beforeAll(async () => {
    site = await serveSite(inject('siteDir'), env);
    listening = listeningOf(site);
  });
  afterAll(() => site?.stop());

  it('refuses a write whose Origin matches a spoofed Host', async () => {
    for (const host of ['evil.example', `evil.example:${listening.port}`]) {
      const answer = await postSignIn(site, listening, host, `http://${host}`);
      expect(answer.status, host).toBe(403);
      expect(answer.body).toContain('This form was sent from another site');
    }
  });

  it('sends Strict-Transport-Security on static and on-demand pages only when the site address is https', async () => {
    const expected = new URL(site.url).protocol === 'https:' ? 'max-age=31536000' : null;
    for (const path of ['/', '/signin']) {
      const response = await fetch(new URL(path, listening));
      expect(response.status, path).toBe(200);
      expect(response.headers.get('strict-transport-security'), path).toBe(expected);
    }
  });

  it("accepts the same write from the site's own address (the control)", async () => {
    const own = new URL(site.url);
    const answer = await postSignIn(site, listening, own.host, own.origin);
    expect(answer.status).toBe(303);
  });
});

describe('on a local site', () => {
  let site: RunningSite;
  let listening: URL;
  beforeAll(async () => {
    site = await serveSite(inject('siteDir'), { HOST: 'localhost' });
    listening = listeningOf(site);
  });
  afterAll(() => site?.stop());

  it('accepts a write from its loopback names on its port, and from no other port', async () => {
    expect(site.url).toBe(`http://localhost:${listening.port}`);
    for (const host of [`127.0.0.1:${listening.port}`, `[::1]:${listening.port}`]) {
      expect((await postSignIn(site, listening, host, `http://${host}`)).status, host).toBe(303);
    }
    expect((await postSignIn(site, listening, `127.0.0.1:1`, 'http://127.0.0.1:1')).status).toBe(403);
  });
});
