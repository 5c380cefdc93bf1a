import type { IncomingMessage, ServerResponse } from 'node:http';
import { bodyLimitFor, judgeDeclaredLength, tooLargeMessage } from './body-limits.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Refuses request bodies over their address's limit (body-limits.ts) with 413, at the
 * Node layer, before the adapter turns them into a Request. A declared `Content-Length`
 * over the limit is answered at once, without reading a byte of the body. A body sent in
 * chunks with no declared length is read here, up to the limit, and handed on whole (the
 * adapter takes a ready `req.body`); one byte more and it is answered 413 and dropped.
 */
export function limitRequestBodies(handler: Handler, limitFor: (target: string) => number = bodyLimitFor): Handler {
  return (req, res) => {
    const limit = limitFor(req.url ?? '/');
    const declared = judgeDeclaredLength(req.headers['content-length'], limit);
    if (declared === 'too_large') return refuse(res, limit);
    if (declared === 'within' || req.headers['transfer-encoding'] === undefined) return handler(req, res);

    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received <= limit) return void chunks.push(chunk);
      req.off('data', onData).off('end', onEnd);
      req.pause();
      chunks.length = 0;
      refuse(res, limit);
    };
    const onEnd = () => {
      Object.assign(req, { body: Buffer.concat(chunks) });
      handler(req, res);
    };
    // A client that gives up mid-body: nothing to answer, and nothing kept.
    req.once('error', () => void (chunks.length = 0));
    req.on('data', onData).once('end', onEnd);
  };
}

function refuse(res: ServerResponse, limit: number): void {
  // Closing the connection: the rest of the body is never read, so the socket cannot be reused.
  res.writeHead(413, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'close' });
  res.end(`${tooLargeMessage(limit)}\n`);
}
