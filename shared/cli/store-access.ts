/**
 * The local data directory: its owner-only lock and the endpoint file of a running `npm start` (dynalite holds an exclusive
 * LevelDB lock on its data directory), else claim the data directory (a pid lock file) and open it in-process.
 * The data directory is owner-only (0700); the CLI's umask (bin/cli.ts) makes every file in it 0600.
 */
import { chmodSync, linkSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const DEFAULT_DATA_DIR = '.carbonpilot';
export const endpointFile = (dataDir: string) => join(dataDir, 'endpoint');
export const dbDir = (dataDir: string) => join(dataDir, 'db');
const lockFile = (dataDir: string) => join(dataDir, 'lock');

/** Another live process holds the data directory. Terminal for this command: use that process or another directory. */
export class DataDirInUseError extends Error {
  readonly retryable = false;
  /** Exit code of the CLI: like a bad --data-dir argument. */
  readonly exitCode = 2;
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`data directory ${dataDir} in use by pid ${pid}; use the running instance's API or another --data-dir`);
    this.name = 'DataDirInUseError';
  }
}

/** Whether a process with this pid exists (EPERM: it does, under another user). */
const alive = (pid: number): boolean => {
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

/**
 * Claim `dataDir` for this process: create it owner-only (0700, and chmod an existing one), then create
 * `<dataDir>/lock` holding our pid. The lock appears with its content in one step (written to a temporary name,
 * then hard-linked: link fails if the lock exists), so a reader never sees it empty. A lock whose pid is gone
 * (`kill(pid, 0)` → ESRCH) is stale and taken over. Throws DataDirInUseError naming a live holder. Returns the
 * release, which removes the lock only while it is still ours (also run at process exit).
 */
export function claimDataDir(dataDir: string): () => void {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700); // a directory made by an earlier version (0755)
  const lock = lockFile(dir);
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
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) throw new DataDirInUseError(dir, pid);
      // Stale (its process is gone): remove it only if it is still the stale one we read.
      if (readLock(lock) === held) rmSync(lock, { force: true });
    }
  } finally {
    rmSync(tmp, { force: true });
  }
  const release = () => {
    process.removeListener('exit', release);
    if (readLock(lock) === mine) {
      try {
        unlinkSync(lock);
      } catch {
        // already gone
      }
    }
  };
  process.on('exit', release);
  return release;
}

export function publishEndpoint(dataDir: string, endpoint: string): () => void {
  // Only the owner may read where the (unauthenticated) embedded DynamoDB API listens.
  writeFileSync(endpointFile(dataDir), endpoint, { mode: 0o600 });
  return () => rmSync(endpointFile(dataDir), { force: true });
}
