/** Builds the dashboard into `outDir`: the page, its CSS and one bundled script (chart.js included; no CDN, works offline). */
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';

export async function buildDashboard(outDir: string): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  await mkdir(outDir, { recursive: true });
  await esbuild.build({
    entryPoints: [join(__dirname, 'src', 'main.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020'],
    platform: 'browser',
    outfile: join(outDir, 'main.js'),
    logLevel: 'silent',
    legalComments: 'linked', // chart.js (MIT) licence text kept next to the bundle
  });
  await copyFile(join(__dirname, 'index.html'), join(outDir, 'index.html'));
  await copyFile(join(__dirname, 'style.css'), join(outDir, 'style.css'));
}

if (require.main === module) {
  const out = process.argv[2] ?? join(__dirname, '..', '.carbonpilot', 'web');
  buildDashboard(out).then(() => console.log(`dashboard built into ${out}`), (e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
