/**
 * Where the crash test kills `npm start -- --once`: a seeded plan, so a failing kill can be replayed (`--seed S
 * --chain C`). Three kinds of instants: during start-up (the demo jobs' submission, before the replay), inside the
 * replay hours when demo training jobs were launched or running (from the clean run), and anywhere in the replay.
 * The kills are dealt into chains: each chain starts a fresh run and kills it at its instants in replay order, each
 * time restarting the killed run in the same directory (so later kills also hit runs that are recovering).
 */
import { mulberry32 } from '../../shared/domain/random';
import type { EpochSec } from '../../shared/domain/time';

/** A seeded PRNG (uniform [0,1)), enough to spread kill instants reproducibly: the product's mulberry32. */
export const seededRandom = (seed: number): (() => number) => mulberry32(seed);

export type KillTarget =
  /** Kill this long after the process was spawned (start-up: the environment, the demo submissions). */
  | { n: number; kind: 'startup'; afterSpawnMs: number }
  /** Kill `delayMs` after the replay's progress first reached `replaySec` (the step after it is then in flight). */
  | { n: number; kind: 'demo-jobs' | 'replay'; replaySec: EpochSec; delayMs: number };

export interface KillPlanInput {
  seed: number;
  kills: number;
  /** At least this many inside the demo jobs' launched/running hours. */
  minDuringJobs: number;
  startupKills: number;
  replay: { startSec: EpochSec; endSec: EpochSec; stepSec: EpochSec };
  /** [start, end) of every demo training job launch of the clean run. */
  launches: { startSec: EpochSec; endSec: EpochSec }[];
  /** Measured in the clean run: spawn → replay start, and the wall time of one replay step. */
  startupMs: number;
  stepWallMs: number;
}

/** Draw the kill instants: `startupKills` at start-up, `minDuringJobs` while demo jobs run, the rest over the whole replay. */
export function makeKillPlan(p: KillPlanInput): KillTarget[] {
  const rnd = seededRandom(p.seed);
  const align = (t: number) => p.replay.startSec + Math.floor((t - p.replay.startSec) / p.replay.stepSec) * p.replay.stepSec;
  // The last step's start is the latest useful target: later the run has finished.
  const lastStep = p.replay.endSec - p.replay.stepSec;
  const jobSec = p.launches.reduce((s, l) => s + (l.endSec - l.startSec), 0);
  const inJobs = (): EpochSec => {
    let x = rnd() * jobSec;
    for (const l of p.launches) {
      if (x < l.endSec - l.startSec) return Math.min(lastStep, align(l.startSec + x));
      x -= l.endSec - l.startSec;
    }
    return Math.min(lastStep, align(p.launches[p.launches.length - 1].startSec));
  };
  const out: KillTarget[] = [];
  for (let n = 1; n <= p.kills; n++) {
    const delayMs = Math.round(rnd() * p.stepWallMs);
    if (n <= p.startupKills) out.push({ n, kind: 'startup', afterSpawnMs: Math.round(p.startupMs * (0.3 + 0.65 * rnd())) });
    else if (n <= p.startupKills + p.minDuringJobs && jobSec > 0) out.push({ n, kind: 'demo-jobs', replaySec: inJobs(), delayMs });
    else out.push({ n, kind: 'replay', replaySec: align(p.replay.startSec + rnd() * (lastStep - p.replay.startSec)), delayMs });
  }
  return out;
}

/** Whether the replay step starting at `atSec` overlaps a demo job launch (the job was launched or running then). */
export const duringJobs = (atSec: EpochSec, stepSec: EpochSec, launches: KillPlanInput['launches']): boolean =>
  launches.some((l) => atSec < l.endSec && atSec + stepSec > l.startSec);

/** Deal the kills into `chains` chains: start-up kills first (one per chain), the rest round-robin in replay order. */
export function dealIntoChains(plan: readonly KillTarget[], chains: number): KillTarget[][] {
  const out: KillTarget[][] = Array.from({ length: Math.max(1, Math.min(chains, plan.length)) }, () => []);
  const startup = plan.filter((t) => t.kind === 'startup');
  const timed = plan.filter((t): t is Extract<KillTarget, { replaySec: number }> => t.kind !== 'startup').sort((a, b) => a.replaySec - b.replaySec || a.n - b.n);
  startup.forEach((t, i) => out[i % out.length].push(t));
  // Round-robin from the chain after the last start-up kill, so every chain gets instants all over the replay.
  timed.forEach((t, i) => out[(i + startup.length) % out.length].push(t));
  return out.filter((c) => c.length);
}
