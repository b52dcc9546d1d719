/**
 * End to end in the local runtime: the local SageMaker stand-in really deletes and recreates a demo endpoint, the
 * demo inventory sees it (zero instances while parked), and the footprint pipeline's intervals show the idle energy
 * stop at the park and resume at the unpark; the ledger books the avoided energy for exactly that gap.
 */
import { startLocalRuntime, type LocalRuntime } from '../../shared/adapters/local/local-runtime';
import { lifecycleServiceDeps } from '../../shared/composition/lifecycle';
import { makeLifecycleService } from '../../shared/use-cases/lifecycle-service';
import { alignDown, HOUR_SEC } from '../../shared/domain/time';

jest.setTimeout(600_000);

const NOW = Date.UTC(2026, 10, 20, 6, 30) / 1000; // the replay's --now
const KEY = 'endpoint#us-east-1#demo-legacy-summariser/AllTraffic';

describe('park → unpark in the local runtime: the footprints show the gap', () => {
  let rt: LocalRuntime;
  afterAll(() => rt?.close());

  it('stops and resumes the endpoint energy at the park and the unpark', async () => {
    // Prepare: a 2-day replay, stopped a day in.
    rt = await startLocalRuntime({ nowSec: NOW, days: 2, demoJobs: false, env: {} });
    const start = rt.replayStartSec;
    const parkAt = start + 24 * HOUR_SEC + 600;
    const unparkAt = parkAt + 8 * HOUR_SEC;
    await rt.advanceTo(parkAt);
    const svc = makeLifecycleService(lifecycleServiceDeps(rt.core, { cloud: rt.env.endpoints }));

    // Act: park, let the pipeline run 8 h, unpark, let it run 8 h more.
    const parked = await svc.act({ op: 'park', resource: 'demo-legacy-summariser', by: 'test', reason: 'idle', dryRun: false });
    expect(parked.status).toBe('parked');
    await rt.advanceTo(unparkAt);
    const restored = await svc.act({ op: 'unpark', resource: 'demo-legacy-summariser', by: 'test', reason: 'back', dryRun: false });
    expect(restored.status).toBe('restored');
    await rt.advanceTo(unparkAt + 8 * HOUR_SEC);

    // Assess: energy by hour around the gap.
    const xs = await rt.store.queryResourceIntervals(KEY, { startSec: start, endSec: unparkAt + 8 * HOUR_SEC });
    const at = (t: number) => xs.find((i) => i.intervalStartSec === alignDown(t, HOUR_SEC));
    const before = [at(parkAt - 3 * HOUR_SEC), at(parkAt - 2 * HOUR_SEC)];
    const during = [1, 2, 3, 4, 5, 6].map((h) => at(parkAt + h * HOUR_SEC));
    const after = [at(unparkAt + 2 * HOUR_SEC), at(unparkAt + 3 * HOUR_SEC)];
    for (const i of [...before, ...after]) expect(i?.energyKwh.point).toBeGreaterThan(0);
    for (const i of during) expect(i?.energyKwh.point ?? 0).toBe(0);
    // The hour of the park itself is partly served (the 10 minutes before it).
    expect(at(parkAt)!.energyKwh.point).toBeGreaterThan(0);
    expect(at(parkAt)!.energyKwh.point).toBeLessThan(before[0]!.energyKwh.point);

    // The ledger: avoided for the 8 h of the gap at the measured idle draw, nothing booked outside it.
    const ledger = await svc.ledger({ startSec: start, endSec: unparkAt + 8 * HOUR_SEC });
    const row = ledger.rows.find((r) => r.resource === 'demo-legacy-summariser')!;
    expect(row.effectiveFrom).toBe(new Date(parkAt * 1000).toISOString().replace('.000Z', 'Z'));
    expect(row.avoided.hours).toBeCloseTo(8, 6);
    expect(row.avoided.energyKwh.point).toBeGreaterThan(0);
    // Counterfactual ≈ the measured idle draw of the hours before (same endpoint, same idle level).
    const idleKwhPerHour = before[0]!.energyKwh.point;
    expect(row.avoided.energyKwh.point / 8).toBeGreaterThan(0.5 * idleKwhPerHour);
    expect(row.avoided.energyKwh.point / 8).toBeLessThan(2 * idleKwhPerHour);
  });
});
