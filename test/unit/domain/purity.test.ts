/** The domain is pure: no AWS SDK, no environment, no wall clock. This test fails the build if that slips. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const DOMAIN = join(__dirname, '../../../shared/domain');
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });

describe('shared/domain purity', () => {
  const all = files(DOMAIN);
  it('has domain files to check', () => expect(all.length).toBeGreaterThan(10));
  it.each(all.map((f) => [f.slice(DOMAIN.length + 1), f]))('%s imports no @aws-sdk, reads no process.env, calls no Date.now()', (_name, file) => {
    const src = readFileSync(file as string, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    expect(src).not.toMatch(/from ['"]@aws-sdk|require\(['"]@aws-sdk/);
    expect(src).not.toMatch(/process\.env/);
    expect(src).not.toMatch(/Date\.now\(\)/);
    expect(src).not.toMatch(/new Date\(\)/);
  });
});
