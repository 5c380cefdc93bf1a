/**
 * `npm run build`: builds the site into a fresh folder and switches COTERIE_OUT_DIR (`dist/`)
 * to it only when the build succeeded, so a failed build leaves the live site as it was.
 */
import { resolve } from 'node:path';
import { buildSite } from './site-build.ts';

const root = resolve(import.meta.dirname, '..');
process.chdir(root);
const outDir = resolve(process.env.COTERIE_OUT_DIR ?? 'dist');

const built = buildSite(root, outDir);
if (built.ok) {
  console.log(`Built the site in ${built.folder}; ${outDir} now points at it.`);
  console.log('A server started before this build keeps serving the build it started with: restart it to serve this one.');
} else {
  console.error(built.reason);
  process.exitCode = 1;
}
