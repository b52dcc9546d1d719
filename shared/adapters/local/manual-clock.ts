import type { Clock } from '../../ports';
import type { EpochSec } from '../../domain/time';

/** A clock the local runtime and tests move explicitly (replays run days of schedules in seconds). */
export class ManualClock implements Clock {
  constructor(private t: EpochSec) {}
  nowSec(): EpochSec {
    return this.t;
  }
  set(tSec: EpochSec): void {
    if (tSec < this.t) throw new Error(`clock cannot go backwards (${tSec} < ${this.t})`);
    this.t = tSec;
  }
}
