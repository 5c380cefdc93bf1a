/**
 * A small load generator for the discussions benchmark: signing members in through the
 * outbox as a browser without JavaScript would, timed page loads from a pool of workers,
 * and timed reply posts from many members at once. Every figure is one whole request as
 * the client sees it: from sending it until the last byte of the answer has arrived.
 */
import { request } from 'node:http';
import { botPolicy } from '../src/server/bot-defence/bot-policy.ts';
import { linkIn, waitForEmail } from '../tests/site/outbox-messages.ts';
import { busyShare, machineTicks } from './deliver-webhooks.ts';
import { processCpuMs } from './site-process.ts';

export type Pass = {
  wallMs: number;
  /** Milliseconds per request, in the order they were sent. */
  latencies: number[];
  /** Answers by status, e.g. { '200': 1000 }. */
  statuses: Record<string, number>;
  /** The site server's CPU time meanwhile. */
  serverCpuMs: number | null;
  /** The Postgres backends' CPU time meanwhile (those serving the site's connections); null for PGlite. */
  databaseCpuMs: number | null;
  /** This process's CPU time meanwhile: the load generator's own cost. */
  clientCpuMs: number;
  /** Share of all the machine's cores busy meanwhile, whoever used them. */
  machineBusy: number | null;
};

/** Runs `count` jobs, `concurrency` at a time, each worker taking the next job when it is done. */
export async function inParallel(count: number, concurrency: number, work: (index: number, worker: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (id: number) => {
    while (next < count) await work(next++, id);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, (_, id) => worker(id)));
}

/** The processes whose CPU a pass accounts for: the site server, and the Postgres backends serving it. */
export type Watched = { server: number; database: readonly number[] };

const cpuOf = (pids: readonly number[]) => {
  const each = pids.map(processCpuMs);
  return each.some((ms) => ms === null) ? null : each.reduce<number>((sum, ms) => sum + (ms ?? 0), 0);
};

/** Times `run` and what the server, the database, this process and the machine spent on it. */
async function measured(watched: Watched, run: (record: (ms: number, status: number) => void) => Promise<void>): Promise<Pass> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const record = (ms: number, status: number) => {
    latencies.push(ms);
    statuses[status] = (statuses[status] ?? 0) + 1;
  };
  const serverBefore = processCpuMs(watched.server);
  const databaseBefore = watched.database.length > 0 ? cpuOf(watched.database) : null;
  const clientBefore = process.cpuUsage();
  const machineBefore = machineTicks();
  const started = performance.now();
  await run(record);
  const wallMs = performance.now() - started;
  const client = process.cpuUsage(clientBefore);
  const serverAfter = processCpuMs(watched.server);
  const databaseAfter = watched.database.length > 0 ? cpuOf(watched.database) : null;
  return {
    wallMs,
    latencies,
    statuses,
    serverCpuMs: serverBefore === null || serverAfter === null ? null : serverAfter - serverBefore,
    databaseCpuMs: databaseBefore === null || databaseAfter === null ? null : databaseAfter - databaseBefore,
    clientCpuMs: (client.user + client.system) / 1000,
    machineBusy: busyShare(machineBefore, machineTicks()),
  };
}

/** One GET, read to the end. */
export async function getPage(url: string, cookie = ''): Promise<{ status: number; body: string; ms: number }> {
  const begun = performance.now();
  const response = await fetch(url, { redirect: 'manual', headers: cookie ? { Cookie: cookie } : {} });
  const body = await response.text();
  return { status: response.status, body, ms: performance.now() - begun };
}

/** `count` GETs of one address, `concurrency` in flight at once. */
export function loadPass(url: string, count: number, concurrency: number, watched: Watched, cookie = ''): Promise<Pass> {
  return measured(watched, (record) =>
    inParallel(count, concurrency, async () => {
      const { status, ms } = await getPage(url, cookie);
      record(ms, status);
    }),
  );
}

export type Post = { cookie: string; body: string; parent: string };

/**
 * Reply posts to a thread page, one worker per member, all members at once: each posts
 * its own replies one after another, as a person would. A 303 is a stored reply.
 */
export function postPass(siteUrl: string, path: string, posts: readonly Post[][], watched: Watched): Promise<Pass> {
  return measured(watched, async (record) => {
    await Promise.all(
      posts.map(async (mine) => {
        for (const post of mine) {
          const begun = performance.now();
          const { status } = await postOnce(new URL(path, siteUrl), { intent: 'reply', body: post.body, parent: post.parent }, { origin: siteUrl, cookie: post.cookie });
          record(performance.now() - begun, status);
        }
      }),
    );
  });
}

/** A POST from the site's own pages, as a browser sends it (Origin included: the middleware checks it). */
function postForm(siteUrl: string, path: string, fields: Record<string, string>, cookie = ''): Promise<Response> {
  return fetch(new URL(path, siteUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { Origin: siteUrl, 'Content-Type': 'application/x-www-form-urlencoded', ...(cookie ? { Cookie: cookie } : {}) },
    body: new URLSearchParams(fields),
  });
}

/**
 * Signs `email` in through /signin, the emailed link and /signin/confirm, and returns the
 * `Cookie` value. The site allows 30 sign-in emails per network address an hour, so the
 * request for the email comes from `localAddress` (any 127.x.y.z reaches a loopback server).
 */
export async function signInOverHttp(siteUrl: string, outboxDir: string, email: string, localAddress: string): Promise<string> {
  // As a person does: open the form, then send it with the stamp it carried once it is old
  // enough for the sign-up guard (src/server/bot-defence/bot-policy.ts).
  const page = await (await fetch(new URL('/signin', siteUrl))).text();
  const stamp = /name="form_started" value="([^"]+)"/.exec(page)?.[1] ?? '';
  const issuedAt = Number(stamp.split('.')[0]);
  if (Number.isFinite(issuedAt)) await new Promise((done) => setTimeout(done, Math.max(0, issuedAt + botPolicy.minimumFormAgeMs + 100 - Date.now())));
  const sent = new Date(Date.now() - 1000);
  const { status: asked } = await postOnce(new URL('/signin', siteUrl), { email, next: '/', form_started: stamp }, { origin: siteUrl, localAddress });
  if (asked !== 303) throw new Error(`POST /signin for ${email} answered ${asked}`);
  const token = new URL(linkIn(await waitForEmail(outboxDir, email, { after: sent }))).searchParams.get('token') ?? '';
  const confirmed = await postForm(siteUrl, '/signin/confirm', { token });
  await confirmed.arrayBuffer();
  const session = confirmed.headers
    .getSetCookie()
    .map((line) => line.split(';')[0] ?? '')
    .find((pair) => pair.startsWith('coterie_session=') && pair.length > 'coterie_session='.length);
  if (confirmed.status !== 303 || !session) throw new Error(`Confirming the sign-in of ${email} answered ${confirmed.status} without a session cookie`);
  return session;
}

/**
 * One form POST on a connection of its own, read to the end. A request that waits long
 * behind others (posting, on a busy server) must not be sent on a pooled connection the
 * server is closing for idleness at that moment: that race answers ECONNRESET.
 */
function postOnce(url: URL, fields: Record<string, string>, options: { origin: string; cookie?: string; localAddress?: string }): Promise<{ status: number }> {
  const body = new URLSearchParams(fields).toString();
  return new Promise((resolveStatus, reject) => {
    const sent = request(
      url,
      {
        method: 'POST',
        agent: false,
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
        headers: {
          Origin: options.origin,
          'Content-Type': 'application/x-www-form-urlencoded',
          'Content-Length': Buffer.byteLength(body),
          ...(options.cookie ? { Cookie: options.cookie } : {}),
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolveStatus({ status: response.statusCode ?? 0 }));
        response.on('error', reject);
      },
    );
    sent.on('error', reject);
    sent.end(body);
  });
}
