import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { maxBodyLength } from '../../src/server/discussions/body-rules.ts';
import { bodyLimitFor, judgeDeclaredLength, pageBodyLimit, tooLargeMessage } from '../../src/server/http/body-limits.ts';
import { limitRequestBodies } from '../../src/server/http/limit-request-bodies.ts';

describe('bodyLimitFor', () => {
  it('gives pages room for the largest form, url-encoded', () => {
    // A reply of the longest kind in three-byte characters, every byte %XX-encoded.
    const reply = new URLSearchParams({ intent: 'reply', body: '日'.repeat(maxBodyLength), parent: 'x'.repeat(40) }).toString();
    expect(Buffer.byteLength(reply)).toBeLessThan(pageBodyLimit);
    expect(bodyLimitFor('/t/abc?x=1')).toBe(pageBodyLimit);
  });
  it('gives the endpoints that need it more, by exact path', () => {
    expect(bodyLimitFor('/api/cli')).toBeGreaterThanOrEqual(64 * 4096 * 6);
    expect(bodyLimitFor('/api/cli/?token=1')).toBe(bodyLimitFor('/api/cli'));
    expect(bodyLimitFor('/api/stripe/webhook')).toBeGreaterThan(pageBodyLimit);
    expect(bodyLimitFor('/api/resend/webhook')).toBeGreaterThan(pageBodyLimit);
    expect(bodyLimitFor('/api/cli-not')).toBe(pageBodyLimit);
  });
});

describe('judgeDeclaredLength', () => {
  it('compares a declared length with the limit', () => {
    expect(judgeDeclaredLength(undefined, 10)).toBe('undeclared');
    expect(judgeDeclaredLength('10', 10)).toBe('within');
    expect(judgeDeclaredLength('11', 10)).toBe('too_large');
    expect(judgeDeclaredLength('99999999999999999999999', 10)).toBe('too_large');
  });
  it('says the limit in a unit a person reads', () => {
    expect(tooLargeMessage(256 * 1024)).toContain('256 KiB');
    expect(tooLargeMessage(2 * 1024 * 1024)).toContain('2 MiB');
  });
});

describe('limitRequestBodies', () => {
  let server: Server | undefined;
  const reached: string[] = [];
  afterEach(async () => {
    server?.close();
    reached.length = 0;
  });

  /** A server whose handler echoes the body it was given (from `req.body` or the stream). */
  async function serve(limit: number): Promise<number> {
    server = createServer(
      limitRequestBodies(async (req, res) => {
        reached.push(req.url ?? '');
        const given = (req as { body?: Buffer }).body;
        let body = given;
        if (!body) {
          const chunks: Buffer[] = [];
          for await (const chunk of req) chunks.push(chunk as Buffer);
          body = Buffer.concat(chunks);
        }
        res.end(`${given ? 'buffered' : 'streamed'}:${body.length}`);
      }, () => limit),
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return (server.address() as AddressInfo).port;
  }

  /**
   * Sends a request's head and then only the first part of its body, and waits for the
   * answer: a server that reads bodies before answering would never answer.
   */
  function sendPartly(port: number, head: string, part: Buffer): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let answer = '';
      socket.on('data', (data) => {
        answer += data.toString();
        if (/\r\n\r\n/.test(answer)) {
          socket.destroy();
          resolve(answer);
        }
      });
      socket.on('error', reject);
      socket.write(head);
      socket.write(part);
    });
  }

  it('answers 413 to a declared 20 MB body before the client has sent more than a sliver, and never calls the handler', async () => {
    const port = await serve(256 * 1024);
    const answer = await sendPartly(port, `POST /account HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${20 * 1024 * 1024}\r\n\r\n`, Buffer.alloc(16 * 1024, 'a'));
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toMatch(/connection: close/i);
    expect(reached).toEqual([]);
  });

  it('answers 413 to a chunked body as soon as it passes the limit, before it ends', async () => {
    const port = await serve(1024);
    const chunk = Buffer.alloc(600, 'a');
    const chunked = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
    const answer = await sendPartly(port, 'POST /account HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n', Buffer.concat([chunked, chunked]));
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(reached).toEqual([]);
  });

  it('hands bodies within the limit on whole, chunked or not', async () => {
    const port = await serve(1024);
    const url = `http://127.0.0.1:${port}/account`;
    const declared = await fetch(url, { method: 'POST', body: 'a'.repeat(1024) });
    expect(await declared.text()).toBe('streamed:1024');
    const chunks = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('a'.repeat(500)));
        controller.enqueue(new TextEncoder().encode('b'.repeat(500)));
        controller.close();
      },
    });
    const chunked = await fetch(url, { method: 'POST', body: chunks, duplex: 'half' } as RequestInit);
    expect(await chunked.text()).toBe('buffered:1000');
    expect((await fetch(url)).status).toBe(200);
  });
});
