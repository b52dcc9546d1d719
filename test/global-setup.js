/** Jest globalSetup: tests that spawn the CLI run the compiled dist/ (as users do); rebuild it when a source is newer. */
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = () => {
  execFileSync(process.execPath, [join(__dirname, '..', 'scripts', 'build-dist.mjs'), '--if-stale'], { stdio: 'inherit' });
};
