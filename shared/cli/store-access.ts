/**
 * The local data directory: its owner-only lock and the endpoint file of a running `npm start` (dynalite holds an exclusive
 * LevelDB lock on its data directory), else claim the data directory (a pid lock file) and open it in-process.
 * The data directory is owner-only (0700); the CLI's umask (bin/cli.ts) makes every file in it 0600.
 */
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tryPidLock } from '../adapters/local/pid-lock';

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

/**
 * Claim `dataDir` for this process: create it owner-only (0700, and chmod an existing one), then take
 * `<dataDir>/lock` holding our pid (`tryPidLock`: the lock appears with its content in one step; a lock whose pid is
 * gone is stale and taken over). Throws DataDirInUseError naming a live holder. Returns the release, which removes
 * the lock only while it is still ours (also run at process exit).
 */
export function claimDataDir(dataDir: string): () => void {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700); // a directory made by an earlier version (0755)
  const r = tryPidLock(lockFile(dir));
  if (!r.acquired) throw new DataDirInUseError(dir, r.holder);
  const release = () => {
    process.removeListener('exit', release);
    r.release();
  };
  process.on('exit', release);
  return release;
}

export function publishEndpoint(dataDir: string, endpoint: string): () => void {
  // Only the owner may read where the (unauthenticated) embedded DynamoDB API listens.
  writeFileSync(endpointFile(dataDir), endpoint, { mode: 0o600 });
  return () => rmSync(endpointFile(dataDir), { force: true });
}
