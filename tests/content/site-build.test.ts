/**
 * `npm run build` as an operator runs it against a live site: real builds of the small
 * community into an out folder outside the checkout, a server serving it, a broken post,
 * then a fixed one.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, lstatSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serveSite, type RunningSite } from '../site/site-server.ts';
import { smallCommunityDir } from '../support/communities.ts';
import { buildsFolder } from '../../scripts/site-build.ts';

const root = resolve(import.meta.dirname, '../..');
const contentDir = join(root, '.test-build/switch-community');
// Its own: Astro's content cache describes one content folder.
const cacheDir = join(root, '.test-build/switch-cache');
const outside = mkdtempSync(join(tmpdir(), 'coterie-out-'));
const outDir = join(outside, 'site');
const servers: RunningSite[] = [];

afterAll(async () => {
  for (const server of servers) await server.stop();
  rmSync(contentDir, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
  rmSync(buildsFolder(root, outDir), { recursive: true, force: true });
});

/** Runs `npm run build`'s script. Not spawnSync: the test's own event loop must keep running to see the server close idle connections. */
async function npmRunBuild() {
  const child = spawn(process.execPath, [join(root, 'scripts/build.ts')], {
    cwd: root,
    // NODE_ENV as a user's build has it: vitest sets it to "test", which Vite reads as a dev build.
    env: { ...process.env, NODE_ENV: 'production', NO_COLOR: '1', FORCE_COLOR: '0', COTERIE_CONTENT_DIR: contentDir, COTERIE_OUT_DIR: outDir, COTERIE_CACHE_DIR: cacheDir },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [status] = (await once(child, 'exit')) as [number | null];
  return { status, output: output.replace(/\x1b\[[0-9;]*m/g, '') };
}

function editPost(name: string, edit: (source: string) => string) {
  const path = join(contentDir, 'posts', name);
  writeFileSync(path, edit(readFileSync(path, 'utf8')));
}

async function page(server: RunningSite, path: string) {
  const response = await fetch(new URL(path, server.url));
  return { status: response.status, html: await response.text() };
}

/** The stylesheet a page links to: its name carries the hash of the build that made it. */
function stylesheetOf(html: string): string {
  const href = /<link rel="stylesheet" href="([^"]+)"/.exec(html)?.[1];
  if (!href) throw new Error('the page links no stylesheet');
  return href;
}

describe('npm run build', () => {
  it('builds outside the checkout, keeps the live site through a failed build, and switches only on success', { timeout: 900_000 }, async () => {
    rmSync(contentDir, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
    cpSync(smallCommunityDir, contentDir, { recursive: true });

    const first = await npmRunBuild();
    expect(first.status, first.output).toBe(0);
    expect(lstatSync(outDir).isSymbolicLink()).toBe(true);
    const firstBuild = realpathSync(outDir);
    expect(firstBuild.startsWith(join(root, '.builds'))).toBe(true);

    const server = await serveSite(outDir);
    servers.push(server);
    const before = await page(server, '/posts/open-field');
    expect(before.status).toBe(200);
    expect(before.html).toContain('Open field');
    const stylesheet = stylesheetOf(before.html);

    // A cover that is not there fails late, after Astro has begun writing its output: with a
    // build straight into the served folder, that left it empty.
    const cover = '\ncover: ../images/missing.jpg\ncoverAlt: Nothing yet';
    editPost('open-field.mdx', (source) => source.replace('tags: [mammals]', `tags: [mammals]${cover}`));
    const broken = await npmRunBuild();
    expect(broken.status).toBe(1);
    expect(broken.output).toContain('Could not find requested image `../images/missing.jpg`');
    expect(broken.output).toContain(`The build failed (see the error above): ${outDir} still holds the last good build`);
    expect(realpathSync(outDir)).toBe(firstBuild);
    expect(readdirSync(buildsFolder(root, outDir))).toHaveLength(1); // the failed build's folder is gone
    expect(await page(server, '/posts/open-field')).toEqual(before);
    expect((await fetch(new URL(stylesheet, server.url))).status).toBe(200);

    // npm start finds the sources changed, tries to build, says why it could not, and serves the last good build.
    const starting = await serveSite(outDir, { COTERIE_NO_BUILD: '0', NODE_ENV: 'production', COTERIE_CONTENT_DIR: contentDir, COTERIE_CACHE_DIR: cacheDir });
    servers.push(starting);
    expect(starting.output()).toContain('Building the site');
    expect(starting.output()).toContain('Could not find requested image `../images/missing.jpg`');
    expect(starting.output()).toContain('Serving that build until the error is fixed');
    expect(await page(starting, '/posts/open-field')).toEqual(before);
    expect(realpathSync(outDir)).toBe(firstBuild);

    editPost('open-field.mdx', (source) => source.replace(cover, '').replace('title: Open field', 'title: Open field, revisited'));
    const fixed = await npmRunBuild();
    expect(fixed.status, fixed.output).toBe(0);
    expect(fixed.output).toContain('restart it to serve this one');
    expect(realpathSync(outDir)).not.toBe(firstBuild);

    // The running server still serves the build it started with, pages and assets alike,
    // on-demand routes included; a server started now serves the new one.
    expect(await page(server, '/posts/open-field')).toEqual(before);
    expect((await fetch(new URL(stylesheet, server.url))).status).toBe(200);
    expect((await page(server, '/posts/members-burrow')).html).toContain('Badger setts have many entrances');
    const restarted = await serveSite(outDir);
    servers.push(restarted);
    expect((await page(restarted, '/posts/open-field')).html).toContain('Open field, revisited');
  });
});
