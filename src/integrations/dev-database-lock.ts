import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { defaultDataDir } from '../../db/client.ts';
import { readDataLock } from '../../db/data-lock.ts';
import { describeHolder } from '../../db/lock-verdict.ts';

/**
 * Why `astro dev` must not start here, or undefined when it may. The dev server opens
 * the embedded database on its first request; beside a running `npm start` every
 * database page would then fail, so it refuses at once instead.
 */
export function devDatabaseRefusal(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string | undefined {
  if (env.DATABASE_URL?.trim()) return undefined;
  const dataDir = defaultDataDir(cwd, env);
  const holder = readDataLock(dataDir);
  if (holder === undefined) return undefined;
  return (
    `The embedded database in ${dataDir} is in use by ${describeHolder(holder)}, and PGlite allows one process per data folder. ` +
    'Stop that process (usually `npm start`) before `npm run dev`, or give the dev server its own database: ' +
    'set DATABASE_URL to a Postgres server, or COTERIE_DATA_DIR to another folder.'
  );
}

/** Stops `astro dev` at start-up, with the holder named, when another process holds the database. */
export default function devDatabaseLock(): AstroIntegration {
  return {
    name: 'coterie-dev-database-lock',
    hooks: {
      'astro:config:setup': ({ command, isRestart, config, logger }) => {
        // A restart is this same dev server, which may hold the folder itself by now.
        if (command !== 'dev' || isRestart) return;
        const refusal = devDatabaseRefusal(process.env, fileURLToPath(config.root));
        if (refusal === undefined) return;
        // One clear line and out: a thrown error would bury it under a stack trace.
        logger.error(refusal);
        process.exit(1);
      },
    },
  };
}
