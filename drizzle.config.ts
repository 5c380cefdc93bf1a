import { defineConfig } from 'drizzle-kit';

// Only `generate` needs this file: migrations are applied by db/client.ts when the
// database opens, against PGlite or DATABASE_URL alike.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema.ts',
  out: './db/migrations',
});
