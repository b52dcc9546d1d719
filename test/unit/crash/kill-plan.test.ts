/** The crash test's own parts: a seeded kill plan that covers start-up and the demo jobs' hours, and a dump diff that sees every change. */
import fc from 'fast-check';
import { dealIntoChains, duringJobs, makeKillPlan, type KillPlanInput } from '../../crash/kill-plan';
import { canonicalJson, diffDumps } from '../../crash/store-dump';

const H = 3600;
const T0 = 1_749_340_800;
const input = (seed: number): KillPlanInput => ({
  seed,
  kills: 24,
  minDuringJobs: 8,
  startupKills: 3,
  replay: { startSec: T0, endSec: T0 + 48 * H, stepSec: H },
  launches: [
    { startSec: T0, endSec: T0 + H },
    { startSec: T0 + 9 * H, endSec: T0 + 14 * H },
    { startSec: T0 + 32 * H, endSec: T0 + 40 * H },
  ],
  startupMs: 3000,
  stepWallMs: 300,
});

describe('crash test kill plan', () => {
  it('is the same for the same seed and differs for another', () => {
    expect(makeKillPlan(input(7))).toEqual(makeKillPlan(input(7)));
    expect(makeKillPlan(input(7))).not.toEqual(makeKillPlan(input(8)));
  });

  it('has the start-up kills, ≥ minDuringJobs instants inside demo job launches, every instant a step start inside the replay', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const p = input(seed);
        const plan = makeKillPlan(p);
        expect(plan).toHaveLength(24);
        expect(plan.filter((t) => t.kind === 'startup')).toHaveLength(3);
        const timed = plan.flatMap((t) => (t.kind === 'startup' ? [] : [t]));
        expect(timed.filter((t) => t.kind === 'demo-jobs' && duringJobs(t.replaySec, H, p.launches)).length).toBeGreaterThanOrEqual(8);
        for (const t of timed) {
          expect((t.replaySec - T0) % H).toBe(0);
          expect(t.replaySec).toBeGreaterThanOrEqual(T0);
          expect(t.replaySec).toBeLessThan(T0 + 48 * H);
          expect(t.delayMs).toBeLessThanOrEqual(300);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('deals the kills into chains: start-up first, then increasing replay instants, every kill once', () => {
    const plan = makeKillPlan(input(3));
    const chains = dealIntoChains(plan, 4);
    expect(chains).toHaveLength(4);
    expect(chains.flat().map((t) => t.n).sort((a, b) => a - b)).toEqual(plan.map((t) => t.n));
    for (const c of chains) {
      const timed = c.flatMap((t) => (t.kind === 'startup' ? [] : [t.replaySec]));
      expect(timed).toEqual([...timed].sort((a, b) => a - b));
      expect(c.findIndex((t) => t.kind !== 'startup')).toBe(c.filter((t) => t.kind === 'startup').length);
    }
  });
});

describe('crash test dump diff', () => {
  const dump = (items: Record<string, unknown>) => new Map(Object.entries(items).map(([k, v]) => [k, canonicalJson(v)]));

  it('sees nothing between equal content written in another key order', () => {
    expect(diffDumps(dump({ 'a|1': { x: 1, y: { p: 1, q: 2 } } }), dump({ 'a|1': { y: { q: 2, p: 1 }, x: 1 } }))).toEqual([]);
  });

  it('reports missing, extra and changed items, naming the attributes that differ', () => {
    const clean = dump({ 'RES#r|INT#1': { co2eKg: 1.5, revision: 3 }, 'RES#r|INT#2': { co2eKg: 2 }, 'JOB#j|STATE': { status: 'completed' } });
    const rerun = dump({ 'RES#r|INT#1': { co2eKg: 1.5, revision: 4 }, 'JOB#j|STATE': { status: 'completed' }, 'RES#r|INT#3': { co2eKg: 1 } });
    expect(diffDumps(clean, rerun)).toEqual([
      { key: 'RES#r|INT#1', kind: 'changed', attributes: ['revision'] },
      { key: 'RES#r|INT#2', kind: 'missing' },
      { key: 'RES#r|INT#3', kind: 'extra' },
    ]);
  });
});
