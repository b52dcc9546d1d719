/** Builds the dashboard into `outDir`: the page, its CSS and one bundled script (chart.js included; no CDN, works offline). */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The dashboard's sources: next to this file, or (running compiled, from dist/web/build.js) in the repository's web/. */
const WEB_DIR = existsSync(join(__dirname, 'src', 'main.ts')) ? __dirname : join(__dirname, '..', '..', 'web');

export async function buildDashboard(outDir: string): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  await mkdir(outDir, { recursive: true });
  await esbuild.build({
    entryPoints: [join(WEB_DIR, 'src', 'main.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020'],
    platform: 'browser',
    outfile: join(outDir, 'main.js'),
    logLevel: 'silent',
    legalComments: 'linked', // chart.js (MIT) licence text kept next to the bundle
  });
  // Written, not copied: copyFile keeps the source's 0644, a write gets the caller's umask (the CLI's is owner-only).
  for (const f of ['index.html', 'style.css']) await writeFile(join(outDir, f), await readFile(join(WEB_DIR, f)));
}

if (require.main === module) {
  const out = process.argv[2] ?? join(WEB_DIR, '..', '.carbonpilot', 'web');
  buildDashboard(out).then(() => console.log(`dashboard built into ${out}`), (e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
