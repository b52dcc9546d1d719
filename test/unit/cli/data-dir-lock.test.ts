/**
 * One process per data directory: claimDataDir makes the directory owner-only and holds a pid lock file; a live
 * holder is named (DataDirInUseError), a dead one's lock is taken over, and release removes only our own lock.
 * openLocalDb honours the lock when it opens the store in-process.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimDataDir, DataDirInUseError } from '../../../shared/cli/store-access';
import { openLocalDb } from '../../../shared/composition/cli';

const mode = (p: string) => statSync(p).mode & 0o777;
const root = mkdtempSync(join(tmpdir(), 'cp-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(root, `d${n++}`);
/** The pid of a process that has already exited. */
const deadPid = (): number => Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);

describe('claimDataDir', () => {
  it('creates the directory 0700 with a 0600 lock holding our pid; release removes it', () => {
    const dir = freshDir();
    const release = claimDataDir(dir);
    expect(mode(dir)).toBe(0o700);
    expect(readFileSync(join(dir, 'lock'), 'utf8')).toBe(`${process.pid}\n`);
    expect(mode(join(dir, 'lock'))).toBe(0o600);
    release();
    expect(existsSync(join(dir, 'lock'))).toBe(false);
  });

  it('makes an existing world-readable directory owner-only', () => {
    const dir = freshDir();
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    claimDataDir(dir)();
    expect(mode(dir)).toBe(0o700);
  });

  it('names a live holder in one line and leaves its lock in place', () => {
    // Prepare: another live process holds the directory.
    const dir = freshDir();
    mkdirSync(dir);
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      writeFileSync(join(dir, 'lock'), `${holder.pid}\n`);
      // Act
      let err: unknown;
      try {
        claimDataDir(dir);
      } catch (e) {
        err = e;
      }
      // Assess
      expect(err).toBeInstanceOf(DataDirInUseError);
      expect((err as DataDirInUseError).pid).toBe(holder.pid);
      expect((err as Error).message).toBe(`data directory ${dir} in use by pid ${holder.pid}; use the running instance's API or another --data-dir`);
      expect(readFileSync(join(dir, 'lock'), 'utf8')).toBe(`${holder.pid}\n`);
    } finally {
      holder.kill();
    }
  });

  it('refuses a second claim by the same process while the first holds it', () => {
    const dir = freshDir();
    const release = claimDataDir(dir);
    expect(() => claimDataDir(dir)).toThrow(DataDirInUseError);
    release();
    claimDataDir(dir)();
  });

  it.each([
    ['a process that has exited', () => `${deadPid()}\n`],
    ['no pid at all', () => 'garbage'],
  ])('takes over a stale lock (%s)', (_name, content) => {
    const dir = freshDir();
    mkdirSync(dir);
    writeFileSync(join(dir, 'lock'), content());
    const release = claimDataDir(dir);
    expect(readFileSync(join(dir, 'lock'), 'utf8')).toBe(`${process.pid}\n`);
    release();
  });

  it('release leaves a lock that is no longer ours', () => {
    const dir = freshDir();
    const release = claimDataDir(dir);
    writeFileSync(join(dir, 'lock'), '424242\n'); // someone removed ours and took the directory
    release();
    expect(readFileSync(join(dir, 'lock'), 'utf8')).toBe('424242\n');
  });
});

describe('openLocalDb honours the lock', () => {
  it('opens in-process under the lock and releases it on close', async () => {
    const dir = freshDir();
    const db = await openLocalDb(dir, { create: true, env: {} });
    expect(readFileSync(join(dir, 'lock'), 'utf8')).toBe(`${process.pid}\n`);
    await db!.close();
    expect(existsSync(join(dir, 'lock'))).toBe(false);
    expect(mode(join(dir, 'db'))).toBe(0o700);
  });

  it('refuses to open a directory another live process holds', async () => {
    const dir = freshDir();
    mkdirSync(dir);
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      writeFileSync(join(dir, 'lock'), `${holder.pid}\n`);
      await expect(openLocalDb(dir, { create: true, env: {} })).rejects.toThrow(DataDirInUseError);
      expect(existsSync(join(dir, 'db'))).toBe(false);
    } finally {
      holder.kill();
    }
  });
});
