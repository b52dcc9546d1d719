/**
 * Local stand-in for EventBridge Scheduler one-time schedules: the local runtime asks `due(clock.nowSec())` each
 * replay step, delivers the payloads to the same dispatch handler Lambda runs, and deletes each schedule only after
 * its delivery returned (EventBridge Scheduler keeps a schedule until it fired, then ActionAfterCompletion DELETE
 * removes it): a crash in between fires it again (at least once), never loses it. Optionally persisted to a JSON
 * file so `carbonpilot submit` and a running `npm start` share schedules; the file is replaced atomically (written
 * to a temporary file, fsynced, renamed over the old one, owner-only 0600), so a crash never leaves it torn, and every
 * read-modify-write holds a pid lock (`<file>.lock`), so a `submit` racing `npm start` never loses an update.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DispatchPayload } from '../../contracts/job-request';
import type { SegmentScheduler } from '../../ports/scheduler-ports';
import type { EpochSec } from '../../domain/time';
import { withPidLockSync } from './pid-lock';

export interface LocalSchedule {
  name: string;
  atSec: EpochSec;
  payload: DispatchPayload;
  /** Pipeline function the schedule invokes; absent = the job dispatcher (other targets carry their own payload). */
  target?: string;
}

/** Replace `file` with `content` atomically: temp file in the same directory, fsync, rename, fsync the directory. */
export function writeFileAtomic(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  // The rename itself is durable once the directory is synced (POSIX; a no-op where directories cannot be opened).
  try {
    const dfd = openSync(dirname(file), 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // best effort: not every platform can fsync a directory
  }
}

const bySoonest = (a: LocalSchedule, b: LocalSchedule) => a.atSec - b.atSec || a.name.localeCompare(b.name);

export class LocalSegmentScheduler implements SegmentScheduler {
  private mem = new Map<string, LocalSchedule>();

  constructor(private readonly file?: string) {}

  private load(): Map<string, LocalSchedule> {
    if (!this.file) return this.mem;
    if (!existsSync(this.file)) return new Map();
    const list = JSON.parse(readFileSync(this.file, 'utf8')) as LocalSchedule[];
    return new Map(list.map((s) => [s.name, s]));
  }

  private save(m: Map<string, LocalSchedule>): void {
    if (!this.file) this.mem = m;
    else writeFileAtomic(this.file, JSON.stringify([...m.values()], null, 1));
  }

  /** One read-modify-write of the schedules, under the file's lock when they are shared through a file. */
  private update<T>(change: (m: Map<string, LocalSchedule>) => { save: boolean; result: T }): T {
    const run = () => {
      const m = this.load();
      const { save, result } = change(m);
      if (save) this.save(m);
      return result;
    };
    return this.file ? withPidLockSync(`${this.file}.lock`, run) : run();
  }

  async createOneTime(name: string, atSec: EpochSec, payload: DispatchPayload): Promise<void> {
    this.add({ name, atSec, payload });
  }

  /** A one-time schedule of another pipeline function (e.g. the optimiser's polls): same store, same firing. */
  async createOneTimeFor(target: string, name: string, atSec: EpochSec, payload: unknown): Promise<void> {
    this.add({ name, atSec, payload: payload as DispatchPayload, target });
  }

  /** Create a schedule unless one of that name exists (same as ConflictException: already scheduled). */
  private add(s: LocalSchedule): void {
    this.update((m) => {
      if (m.has(s.name)) return { save: false, result: undefined };
      m.set(s.name, s);
      return { save: true, result: undefined };
    });
  }

  async delete(name: string): Promise<void> {
    this.update((m) => ({ save: m.delete(name), result: undefined }));
  }

  /** Pending schedules, soonest first. */
  pending(): LocalSchedule[] {
    return [...this.load().values()].sort(bySoonest);
  }

  /** Schedules due at or before `nowSec`, soonest first; each stays until `delete` after its delivery returned. */
  due(nowSec: EpochSec): LocalSchedule[] {
    return [...this.load().values()].filter((s) => s.atSec <= nowSec).sort(bySoonest);
  }

  /**
   * Remove and return every schedule due at or before `nowSec`, soonest first. For tests that deliver by hand (or
   * simulate a lost delivery); the runtime uses `due` and deletes after delivery.
   */
  dueUpTo(nowSec: EpochSec): LocalSchedule[] {
    return this.update((m) => {
      const due = [...m.values()].filter((s) => s.atSec <= nowSec).sort(bySoonest);
      for (const s of due) m.delete(s.name);
      return { save: due.length > 0, result: due };
    });
  }
}
