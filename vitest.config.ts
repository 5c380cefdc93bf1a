import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] },
      },
      {
        // Real databases: PGlite always, Postgres too when TEST_DATABASE_URL is set.
        test: { name: 'integration', include: ['tests/integration/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000 },
      },
      {
        // Real `astro sync` / `astro build` runs over broken copies of a small community.
        test: { name: 'content', include: ['tests/content/**/*.test.ts'], testTimeout: 60_000 },
      },
      {
        // One real build of the demo community (with a canary in every gated part),
        // shared by the output checks, the served-route checks and the browser tests.
        test: {
          name: 'site',
          include: ['tests/site/**/*.test.ts'],
          globalSetup: ['tests/site/build-canary-site.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
