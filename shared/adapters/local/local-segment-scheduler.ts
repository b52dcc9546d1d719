/**
 * Local stand-in for EventBridge Scheduler one-time schedules: the local runtime asks `dueUpTo(clock.nowSec())`
 * each replay step and delivers the payloads to the same dispatch handler Lambda runs. Optionally persisted to a
 * JSON file so `carbonpilot submit` and a running `npm start` share schedules.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { DispatchPayload } from '../../contracts/job-request';
import type { SegmentScheduler } from '../../ports/scheduler-ports';
import type { EpochSec } from '../../domain/time';

export interface LocalSchedule {
  name: string;
  atSec: EpochSec;
  payload: DispatchPayload;
  /** Pipeline function the schedule invokes; absent = the job dispatcher (other targets carry their own payload). */
  target?: string;
}

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
    else writeFileSync(this.file, JSON.stringify([...m.values()], null, 1));
  }

  async createOneTime(name: string, atSec: EpochSec, payload: DispatchPayload): Promise<void> {
    const m = this.load();
    if (m.has(name)) return; // same as ConflictException: already scheduled
    m.set(name, { name, atSec, payload });
    this.save(m);
  }

  /** A one-time schedule of another pipeline function (e.g. the optimiser's polls): same store, same firing. */
  async createOneTimeFor(target: string, name: string, atSec: EpochSec, payload: unknown): Promise<void> {
    const m = this.load();
    if (m.has(name)) return;
    m.set(name, { name, atSec, payload: payload as DispatchPayload, target });
    this.save(m);
  }

  async delete(name: string): Promise<void> {
    const m = this.load();
    if (m.delete(name)) this.save(m);
  }

  /** Pending schedules, soonest first. */
  pending(): LocalSchedule[] {
    return [...this.load().values()].sort((a, b) => a.atSec - b.atSec || a.name.localeCompare(b.name));
  }

  /** Remove and return every schedule due at or before `nowSec` (ActionAfterCompletion: DELETE), soonest first. */
  dueUpTo(nowSec: EpochSec): LocalSchedule[] {
    const m = this.load();
    const due = [...m.values()].filter((s) => s.atSec <= nowSec).sort((a, b) => a.atSec - b.atSec || a.name.localeCompare(b.name));
    for (const s of due) m.delete(s.name);
    if (due.length) this.save(m);
    return due;
  }
}
