#!/usr/bin/env node
/**
 * Compiles the CLI, the local runtime and the handlers it runs to plain CommonJS under dist/ (one .js per .ts, same
 * layout, node_modules left as they are), so `carbonpilot` and `npm start` run with plain `node`: no TypeScript
 * loader at start-up. esbuild transpiles only (types are `npm run typecheck`'s job; tsconfig has isolatedModules).
 *
 *   node scripts/build-dist.mjs             build (npm ci runs it as `prepare`; also `npm run build`)
 *   node scripts/build-dist.mjs --if-stale  build only when a source is newer than the last build (jest globalSetup)
 *
 * No network: esbuild is a local dependency. The AWS Lambda bundles are CDK's (NodejsFunction), not this.
 */
import { build } from 'esbuild';
import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const STAMP = join(DIST, '.build-stamp');
/** What the CLI can load: its entry, every command, the local runtime and (via the pipeline definition) every handler. */
const SOURCE_DIRS = ['shared', 'lambdas'];
const SOURCE_FILES = ['bin/cli.ts', 'web/build.ts'];
/** Changes to these also make a build stale. */
const INPUTS = ['package.json', 'package-lock.json', 'tsconfig.json', 'scripts/build-dist.mjs'];

const tsFiles = (dir) =>
  readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => relative(ROOT, join(e.parentPath ?? e.path, e.name)));

const sources = () => [...SOURCE_DIRS.flatMap(tsFiles), ...SOURCE_FILES];

/** Newest modification time of any input (directories too: a deleted or renamed file changes its directory's). */
function newestInputMs(files) {
  const dirs = new Set(files.map((f) => dirname(f)));
  let newest = 0;
  for (const p of [...files, ...dirs, ...INPUTS]) {
    const full = join(ROOT, p);
    if (existsSync(full)) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

const ifStale = process.argv.includes('--if-stale');
const files = sources();
if (ifStale && existsSync(STAMP) && statSync(STAMP).mtimeMs >= newestInputMs(files)) process.exit(0);

// Build next to dist/ and swap it in, so a CLI started meanwhile sees the old tree or the new one, not half of each.
const tmp = join(ROOT, `dist.tmp-${process.pid}`);
const old = join(ROOT, `dist.old-${process.pid}`);
const t0 = Date.now();
try {
  await build({
    entryPoints: files.map((f) => join(ROOT, f)),
    outbase: ROOT,
    outdir: tmp,
    bundle: false,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked', // stack traces map back to the .ts with NODE_OPTIONS=--enable-source-maps
    logLevel: 'warning',
  });
  writeFileSync(join(tmp, '.build-stamp'), `${new Date().toISOString()}\n`);
  if (existsSync(DIST)) renameSync(DIST, old);
  renameSync(tmp, DIST);
} finally {
  rmSync(tmp, { recursive: true, force: true });
  rmSync(old, { recursive: true, force: true });
}
if (!process.argv.includes('--quiet')) console.error(`carbonpilot: compiled ${files.length} files into dist/ in ${Date.now() - t0} ms`);
