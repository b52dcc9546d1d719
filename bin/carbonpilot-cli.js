#!/usr/bin/env node
// `npx carbonpilot …`: the compiled CLI (dist/, built by `npm ci` / `npm install` through `prepare`, or `npm run build`).
// Without a build (installed with --ignore-scripts) it runs the TypeScript sources through tsx, slower, and says so.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const compiled = join(__dirname, '..', 'dist', 'bin', 'cli.js');
if (existsSync(compiled)) {
  require(compiled).run();
} else {
  process.stderr.write('carbonpilot: no compiled CLI in dist/ (run `npm run build`); running the TypeScript sources through tsx\n');
  require('tsx/cjs');
  require('./cli.ts').run();
}
