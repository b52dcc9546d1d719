/** Browser tests (headless Chromium via playwright-core): `npm run test:browser`. Needs /usr/bin/chromium (apt-get install -y chromium). */
const base = require('./jest.config');
module.exports = { ...base, roots: ['<rootDir>/test/browser'], testPathIgnorePatterns: ['/node_modules/'], testTimeout: 120000 };
