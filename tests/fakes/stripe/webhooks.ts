/**
 * Webhook delivery: each event POSTed to the endpoint in the order it happened, signed
 * as Stripe signs (`Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`),
 * retried with a short doubling backoff until a 2xx or the attempts run out.
 */
import { createHmac } from 'node:crypto';
import type { EventWire } from './state.ts';

export interface WebhookEndpoint {
  url: string;
  secret: string;
}

/** One attempt to deliver one event. */
export interface Delivery {
  eventId: string;
  type: string;
  attempt: number;
  /** The endpoint's HTTP status; absent when the request itself failed. */
  status?: number;
  error?: string;
  ok: boolean;
  /** The body as sent, so a test can verify the signature itself. */
  payload: string;
  signature: string;
}

export interface WebhookSender {
  enqueue(event: EventWire): void;
  /** Resolves once every queued event has been delivered or has used up its attempts. */
  settled(): Promise<void>;
  stop(): void;
}

export function signPayload(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const signature = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${signature}`;
}

export function createWebhookSender(options: {
  endpoint(): WebhookEndpoint | undefined;
  deliveries: Delivery[];
  attempts: number;
  retryDelayMs: number;
}): WebhookSender {
  const queue: EventWire[] = [];
  let running: Promise<void> | undefined;
  let stopped = false;

  function kick(): void {
    if (running || stopped || queue.length === 0) return;
    running = drain().finally(() => {
      running = undefined;
      kick();
    });
  }

  async function drain(): Promise<void> {
    // Let the API answer that caused the event go out first.
    await sleep(0);
    for (let event = queue.shift(); event && !stopped; event = queue.shift()) await deliver(event);
  }

  async function deliver(event: EventWire): Promise<void> {
    const endpoint = options.endpoint();
    if (!endpoint) return;
    const payload = JSON.stringify(event, null, 2);
    for (let attempt = 1; attempt <= options.attempts && !stopped; attempt++) {
      // Signed at each attempt with the real time, as the receiver checks it against its own clock.
      const signature = signPayload(payload, endpoint.secret);
      const delivery: Delivery = { eventId: event.id, type: event.type, attempt, ok: false, payload, signature };
      try {
        const response = await fetch(endpoint.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature, 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' },
          body: payload,
          signal: AbortSignal.timeout(10_000),
        });
        await response.arrayBuffer();
        delivery.status = response.status;
        delivery.ok = response.ok;
      } catch (error) {
        delivery.error = error instanceof Error ? error.message : String(error);
      }
      options.deliveries.push(delivery);
      if (delivery.ok) {
        event.pending_webhooks = 0;
        return;
      }
      if (attempt < options.attempts) await sleep(options.retryDelayMs * 2 ** (attempt - 1));
    }
  }

  return {
    enqueue(event) {
      if (stopped) return;
      queue.push(event);
      kick();
    },
    async settled() {
      while (running) await running;
    },
    stop() {
      stopped = true;
      queue.length = 0;
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
