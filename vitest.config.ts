import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests run against their own communities, never the creator's content/: the CLI, the
// server and the build all read COTERIE_CONTENT_DIR, so anything a test starts without
// naming a folder gets the demo fixture (see tests/support/communities.ts).
const env = { COTERIE_CONTENT_DIR: fileURLToPath(new URL('./tests/fixtures/hedgerow', import.meta.url)) };

export default defineConfig({
  test: {
    projects: [
      {
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], env },
      },
      {
        // Real databases: PGlite always, Postgres too when TEST_DATABASE_URL is set.
        test: { name: 'integration', include: ['tests/integration/**/*.test.ts'], env, testTimeout: 60_000, hookTimeout: 120_000 },
      },
      {
        // Real `astro sync` / `astro build` runs over broken copies of a small community, the
        // README's examples and the creator's content/. One file at a time: every Astro run
        // writes the project's one .astro/ folder, and two at once would mix their content.
        test: { name: 'content', include: ['tests/content/**/*.test.ts'], env, testTimeout: 60_000, fileParallelism: false },
      },
      {
        // One real build of the demo community (with a canary in every gated part),
        // shared by the output checks, the served-route checks and the browser tests.
        test: {
          name: 'site',
          include: ['tests/site/**/*.test.ts'],
          env,
          globalSetup: ['tests/site/build-canary-site.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
