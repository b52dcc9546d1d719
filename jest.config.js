/** Jest: ts-jest transpiles only (type-checking is `npm run typecheck`), middy is ESM-only so it is transformed too. */
// Lambdas run on Node 22+; silence the SDK's Node 20 notice in test workers (they inherit this environment).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Browser tests need Chromium: `npm run test:browser` (jest.browser.config.js).
  testPathIgnorePatterns: ['/node_modules/', '/test/browser/'],
  transform: {
    '^.+\\.[tj]sx?$': ['ts-jest', { diagnostics: false }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@middy|hyparquet|hyparquet-writer)/)'],
  testTimeout: 60000,
  // Builds dist/ when stale: e2e tests spawn the compiled CLI (bin/carbonpilot-cli.js), as `npx carbonpilot` runs it.
  globalSetup: '<rootDir>/test/global-setup.js',
};
