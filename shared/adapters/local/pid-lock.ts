/**
 * Owner-only pid lock files shared by local processes (`npm start` and the CLI on one data directory). A lock
 * appears with its content in one step (the pid is written to a temporary name, then hard-linked: link fails if the
 * lock exists), so a reader never sees it empty. A lock whose process is gone (`kill(pid, 0)` → ESRCH) is stale and
 * taken over; the lock is removed only while it is still ours.
 */
import { linkSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';

/** Whether a process with this pid exists (EPERM: it does, under another user). */
export const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const readLock = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

export type PidLockResult = { acquired: true; release: () => void } | { acquired: false; holder: number };

/**
 * Try once to take `lock` for this process. Returns the release, or the live pid holding it. A lock naming this very
 * process is taken over only when `ownStale` says it is stale (a synchronous critical section of ours can never be
 * in progress while we are here, so a short-lived lock with our pid is left over from an earlier process that had it).
 */
export function tryPidLock(lock: string, opts: { ownStale?: boolean } = {}): PidLockResult {
  const mine = `${process.pid}\n`;
  const tmp = `${lock}.${process.pid}`;
  writeFileSync(tmp, mine, { mode: 0o600 });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(tmp, lock);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw e;
      }
      const held = readLock(lock);
      if (held === undefined) continue; // released meanwhile: try again
      const pid = Number.parseInt(held, 10);
      const ours = pid === process.pid;
      if (Number.isInteger(pid) && pid > 0 && processAlive(pid) && !(ours && opts.ownStale)) return { acquired: false, holder: pid };
      // Stale (its process is gone): remove it only if it is still the stale one we read.
      if (readLock(lock) === held) rmSync(lock, { force: true });
    }
  } finally {
    rmSync(tmp, { force: true });
  }
  const release = () => {
    if (readLock(lock) === mine) {
      try {
        unlinkSync(lock);
      } catch {
        // already gone
      }
    }
  };
  return { acquired: true, release };
}

/** Another process held a short lock for longer than we wait. */
export class LockBusyError extends Error {
  constructor(
    readonly lock: string,
    readonly holder: number,
    waitedMs: number,
  ) {
    super(`${lock} held by pid ${holder} for over ${waitedMs} ms; try again, or end that process if it is stuck`);
    this.name = 'LockBusyError';
  }
}

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Run the synchronous `fn` while holding `lock` (a read-modify-write of a file shared between processes). Waits for
 * a live holder in short sleeps, up to `maxWaitMs`, then throws LockBusyError naming it.
 */
export function withPidLockSync<T>(lock: string, fn: () => T, maxWaitMs = 10_000): T {
  const start = Date.now();
  for (let sleep = 1; ; sleep = Math.min(sleep * 2, 25)) {
    const r = tryPidLock(lock, { ownStale: true });
    if (r.acquired) {
      try {
        return fn();
      } finally {
        r.release();
      }
    }
    const waited = Date.now() - start;
    if (waited >= maxWaitMs) throw new LockBusyError(lock, r.holder, waited);
    sleepSync(sleep);
  }
}
