import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { checkStripeEnvironment, createStripeClient, describeStripeError } from '../../src/server/billing/stripe.ts';

const secretKey = 'sk_test_51Abc';
const webhookSecret = 'whsec_abc123';
const keyMessage = 'STRIPE_SECRET_KEY must be a secret key (sk_test_… or sk_live_…), from https://dashboard.stripe.com/apikeys';

describe('checkStripeEnvironment', () => {
  it('is happy with nothing set (a free-only community) and with a full pair', () => {
    expect(checkStripeEnvironment({})).toEqual([]);
    expect(checkStripeEnvironment({ STRIPE_SECRET_KEY: ' ', STRIPE_WEBHOOK_SECRET: '' })).toEqual([]);
    expect(checkStripeEnvironment({ STRIPE_SECRET_KEY: secretKey, STRIPE_WEBHOOK_SECRET: webhookSecret })).toEqual([]);
    expect(checkStripeEnvironment({ STRIPE_SECRET_KEY: 'sk_live_51Abc', STRIPE_WEBHOOK_SECRET: webhookSecret })).toEqual([]);
    expect(checkStripeEnvironment({ STRIPE_SECRET_KEY: 'rk_test_51Abc', STRIPE_WEBHOOK_SECRET: webhookSecret })).toEqual([]);
  });

  it('refuses a key that is not a secret key, such as the publishable one', () => {
    for (const key of ['pk_test_51Abc', 'whsec_abc', 'test']) {
      expect(checkStripeEnvironment({ STRIPE_SECRET_KEY: key, STRIPE_WEBHOOK_SECRET: webhookSecret }), key).toEqual([keyMessage]);
    }
  });

  it('refuses a webhook secret that is not a signing secret', () => {
    const problems = checkStripeEnvironment({ STRIPE_SECRET_KEY: secretKey, STRIPE_WEBHOOK_SECRET: 'we_123' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^STRIPE_WEBHOOK_SECRET must be a webhook signing secret \(whsec_…\)/);
  });

  it('says which half is missing when only one is set', () => {
    const noSecret = checkStripeEnvironment({ STRIPE_SECRET_KEY: secretKey });
    expect(noSecret).toHaveLength(1);
    expect(noSecret[0]).toMatch(/^STRIPE_WEBHOOK_SECRET is not set/);

    const noKey = checkStripeEnvironment({ STRIPE_WEBHOOK_SECRET: webhookSecret });
    expect(noKey).toHaveLength(1);
    expect(noKey[0]).toMatch(/^STRIPE_WEBHOOK_SECRET is set but STRIPE_SECRET_KEY is not/);
  });

  it('lists every problem at once', () => {
    expect(checkStripeEnvironment({ STRIPE_SECRET_KEY: 'pk_live_1', STRIPE_WEBHOOK_SECRET: 'nope', STRIPE_API_BASE: 'ftp://x' })).toHaveLength(3);
  });

  it('refuses an STRIPE_API_BASE that is not an http(s) address', () => {
    const env = { STRIPE_SECRET_KEY: secretKey, STRIPE_WEBHOOK_SECRET: webhookSecret };
    expect(checkStripeEnvironment({ ...env, STRIPE_API_BASE: 'http://127.0.0.1:4567' })).toEqual([]);
    expect(checkStripeEnvironment({ ...env, STRIPE_API_BASE: '127.0.0.1:4567' })[0]).toMatch(/^STRIPE_API_BASE must be an http\(s\) address/);
  });
});

describe('createStripeClient', () => {
  it('makes no client without a key, and refuses a malformed one by name', () => {
    expect(createStripeClient({})).toBeUndefined();
    expect(() => createStripeClient({ STRIPE_SECRET_KEY: 'pk_test_51Abc' })).toThrow(keyMessage);
    expect(() => createStripeClient({ STRIPE_SECRET_KEY: secretKey, STRIPE_API_BASE: 'nowhere' })).toThrow(/STRIPE_API_BASE/);
    expect(createStripeClient({ STRIPE_SECRET_KEY: secretKey })).toBeInstanceOf(Stripe);
  });
});

describe('describeStripeError', () => {
  it('gives one line without the key', () => {
    const error = new Stripe.errors.StripeInvalidRequestError({
      type: 'invalid_request_error',
      message: 'No such price: price_123; key sk_test_51SecretValue was used\nmore',
      code: 'resource_missing',
      statusCode: 404,
    });
    expect(describeStripeError(error)).toBe('Stripe refused: No such price: price_123; key [key] was used (HTTP 404, resource_missing)');
  });
});
