#!/usr/bin/env node
// `npx carbonpilot …`: run the TypeScript CLI through tsx's CommonJS loader (no build step needed).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
require('tsx/cjs');
require('./cli.ts');
