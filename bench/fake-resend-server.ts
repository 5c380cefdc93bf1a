/**
 * The Resend fake in a process of its own, so the digest benchmark's memory figures are
 * the sender's alone (the fake keeps every email it accepts). Prints its URL and key as
 * one JSON line, then serves until killed.
 */
import { startFakeResendApi } from '../tests/fakes/resend-api.ts';

const fake = await startFakeResendApi({ latencyMs: Number(process.env.FAKE_LATENCY_MS ?? '0') });
process.stdout.write(`${JSON.stringify({ url: fake.url, apiKey: fake.apiKey })}\n`);
// Counts only, on request: the parent asks how many emails arrived without pulling them all.
process.on('message', () => process.send?.({ emails: fake.emails.length, requests: fake.requests.length, addresses: new Set(fake.emails.flatMap((email) => email.to)).size }));
