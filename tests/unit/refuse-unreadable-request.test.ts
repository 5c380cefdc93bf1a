import { describe, expect, it } from 'vitest';
import { refuseUnreadableRequest } from '../../src/server/http/refuse-unreadable-request.ts';

const post = (pathname: string, headers: Record<string, string>, body: BodyInit) =>
  ({ request: new Request(`http://localhost${pathname}`, { method: 'POST', headers, body }), pathname, params: {} });

describe('refuseUnreadableRequest', () => {
  it.each([
    ['text/plain', { 'Content-Type': 'text/plain' }, 'name=x', 415],
    ['JSON', { 'Content-Type': 'application/json' }, '{"name":"x"}', 415],
    ['no Content-Type', {}, new Uint8Array([110, 61, 120]), 415],
    ['octet-stream', { 'Content-Type': 'application/octet-stream' }, 'name=x', 415],
    ['a multipart with no boundary', { 'Content-Type': 'multipart/form-data' }, '--x\r\n', 400],
    ['a broken multipart', { 'Content-Type': 'multipart/form-data; boundary=abc' }, 'not multipart at all', 400],
    ['a NUL in a field', { 'Content-Type': 'application/x-www-form-urlencoded' }, 'title=Owls%00', 400],
  ])('refuses %s with a plain reason', async (_label, headers, body, status) => {
    const refusal = await refuseUnreadableRequest(post('/account', headers as Record<string, string>, body));
    expect(refusal?.status).toBe(status);
    expect(refusal?.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await refusal?.text()).toMatch(/Nothing was changed/);
  });

  it('lets a readable form through, with its body still there for the page', async () => {
    const urlencoded = post('/account', { 'Content-Type': 'application/x-www-form-urlencoded' }, 'name=Wren&note=a%0D%0Ab');
    expect(await refuseUnreadableRequest(urlencoded)).toBeUndefined();
    expect((await urlencoded.request.formData()).get('name')).toBe('Wren');
    const form = new FormData();
    form.append('name', 'Wren');
    const multipart = { request: new Request('http://localhost/account', { method: 'POST', body: form }), pathname: '/account', params: {} };
    expect(await refuseUnreadableRequest(multipart)).toBeUndefined();
    expect((await multipart.request.formData()).get('name')).toBe('Wren');
  });

  it('leaves GETs and the endpoints that read their own bodies alone', async () => {
    expect(await refuseUnreadableRequest(post('/api/stripe/webhook', { 'Content-Type': 'application/json' }, '{}'))).toBeUndefined();
    expect(await refuseUnreadableRequest(post('/notifications/stop', {}, new Uint8Array()))).toBeUndefined();
    const get = { request: new Request('http://localhost/account'), pathname: '/account', params: {} };
    expect(await refuseUnreadableRequest(get)).toBeUndefined();
  });

  it('answers a body-less 404 for a control character in a path parameter', async () => {
    const get = (thread: string) => ({ request: new Request('http://localhost/t/x'), pathname: '/t/x', params: { thread } });
    const refusal = await refuseUnreadableRequest(get('\u0000'));
    expect(refusal?.status).toBe(404);
    expect(refusal?.body).toBeNull();
    expect(await refuseUnreadableRequest(get('k3x9'))).toBeUndefined();
  });
});
