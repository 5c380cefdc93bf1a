import { describe, expect, it } from 'vitest';
import { demoPaymentsRefusal, demoPaymentsWanted } from '../../scripts/demo-payments.ts';

describe('COTERIE_DEMO_PAYMENTS', () => {
  it('is wanted only when set to a yes', () => {
    expect(demoPaymentsWanted({})).toBe(false);
    expect(demoPaymentsWanted({ COTERIE_DEMO_PAYMENTS: '0' })).toBe(false);
    expect(demoPaymentsWanted({ COTERIE_DEMO_PAYMENTS: '1' })).toBe(true);
    expect(demoPaymentsWanted({ COTERIE_DEMO_PAYMENTS: ' On ' })).toBe(true);
  });

  it('runs on a laptop: localhost, no Stripe keys', () => {
    expect(demoPaymentsRefusal({})).toBeUndefined();
    expect(demoPaymentsRefusal({ HOST: '127.0.0.1', SITE_URL: 'http://localhost:4321' })).toBeUndefined();
  });

  it('refuses beside real Stripe keys, naming them', () => {
    expect(demoPaymentsRefusal({ STRIPE_SECRET_KEY: 'sk_live_x' })).toMatch(/STRIPE_SECRET_KEY/);
    expect(demoPaymentsRefusal({ STRIPE_WEBHOOK_SECRET: 'whsec_x' })).toMatch(/STRIPE_WEBHOOK_SECRET/);
  });

  it('refuses on a public address or a non-loopback HOST: free paid tiers for anyone who reaches it', () => {
    expect(demoPaymentsRefusal({ SITE_URL: 'https://hedgerow.example' })).toMatch(/SITE_URL is https:\/\/hedgerow\.example/);
    expect(demoPaymentsRefusal({ HOST: '0.0.0.0' })).toMatch(/HOST is 0\.0\.0\.0/);
  });
});
