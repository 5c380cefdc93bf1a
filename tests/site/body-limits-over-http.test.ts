/**
 * Request bodies over the limit, through the real server: a declared 20 MB body is
 * answered 413 while the client has sent only a sliver of it, a chunked body is answered
 * 413 as soon as it passes the limit, and the largest real form still goes through.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { maxBodyLength } from '../../src/server/discussions/body-rules.ts';
import { formStamp, postForm, signInOverHttp } from './http-sign-in.ts';
import { serveSite, type RunningSite } from './site-server.ts';

let site: RunningSite;
beforeAll(async () => {
  site = await serveSite(inject('siteDir'));
});
afterAll(() => site?.stop());

/**
 * Sends a request's head and the first part of its body, then waits for the answer's
 * status line without sending more: a server that read the whole body first would never
 * answer (the test then fails on its timeout).
 */
function sendPartly(path: string, headers: Record<string, string>, part: Buffer): Promise<string> {
  const { hostname, port, origin } = new URL(site.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname === 'localhost' ? '127.0.0.1' : hostname);
    let answer = '';
    socket.on('data', (data) => {
      answer += data.toString();
      if (answer.includes('\r\n\r\n')) {
        socket.destroy();
        resolve(answer);
      }
    });
    socket.on('error', reject);
    const lines = Object.entries({ Host: new URL(site.url).host, Origin: origin, ...headers }).map(([name, value]) => `${name}: ${value}`);
    socket.write(`POST ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
    socket.write(part);
  });
}

const chunk = (data: Buffer) => Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n')]);

describe('request bodies', () => {
  it.each(['/signin', '/account', '/t/some-thread', '/api/cli', '/api/stripe/webhook'])('a declared 20 MB body to %s is answered 413 before it is sent', async (path) => {
    const form = Buffer.from(`email=owl%40example.com&body=${'a'.repeat(16 * 1024)}`);
    const answer = await sendPartly(path, { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(20 * 1024 * 1024) }, form);
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
  });

  it('a chunked body is answered 413 once it passes the page limit, before it ends', async () => {
    const parts = Array.from({ length: 5 }, () => chunk(Buffer.alloc(64 * 1024, 'a')));
    const answer = await sendPartly('/signin', { 'Content-Type': 'application/x-www-form-urlencoded', 'Transfer-Encoding': 'chunked' }, Buffer.concat(parts));
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
  });

  it('a chunked form within the limit is read as usual (the control)', async () => {
    const answer = await sendPartly('/signin', { 'Content-Type': 'application/x-www-form-urlencoded', 'Transfer-Encoding': 'chunked' }, Buffer.concat([chunk(Buffer.from(`email=chunked%40example.com&next=%2F&form_started=${encodeURIComponent(formStamp(site, 'signin'))}`)), Buffer.from('0\r\n\r\n')]));
    expect(answer).toMatch(/^HTTP\/1\.1 303 /);
  });

  it('the longest reply, in three-byte characters, still goes through', async () => {
    const cookie = await signInOverHttp(site, 'long-reply@example.com');
    const created = await postForm(site, '/community/field-notes/new', { title: 'Long notes', body: 'First.', guidelines: 'on' }, cookie);
    const thread = created.headers.get('location') ?? '';
    expect(created.status).toBe(303);
    const replied = await postForm(site, thread, { intent: 'reply', body: '鳥'.repeat(maxBodyLength) }, cookie);
    expect(replied.status).toBe(303);
  });
});
