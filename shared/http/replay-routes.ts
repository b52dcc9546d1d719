/**
 * Local-only routes of `npm start` (not in API Gateway: there is no replay in AWS):
 *   GET /api/local/replay   how far the DEMO replay has got; the dashboard's progress panel polls it
 * and a guard that answers writes (POST/PUT/DELETE) with 503 while the replay runs: the local clock is still in
 * the past then, so a job submitted meanwhile would be planned for the wrong time.
 */
import { isoUtc, type EpochSec } from '../domain/time';
import { HttpError, type Route } from './router';

export interface ReplayProgress {
  /** replaying: the store fills in; finishing: demo seeders and summary; live: running on the wall clock. */
  phase: 'replaying' | 'finishing' | 'live';
  fromSec: EpochSec;
  toSec: EpochSec;
  /** Replayed up to here. */
  doneToSec: EpochSec;
}

export const replayPct = (p: ReplayProgress): number =>
  p.phase !== 'replaying' ? 100 : Math.floor((100 * Math.max(0, p.doneToSec - p.fromSec)) / Math.max(1, p.toSec - p.fromSec));

/** The progress as the API shows it (every figure of the replay is DEMO data). */
export const replayView = (p: ReplayProgress) => ({
  phase: p.phase,
  pct: replayPct(p),
  from: isoUtc(p.fromSec),
  to: isoUtc(p.toSec),
  replayedTo: isoUtc(p.doneToSec),
  demo: true,
});

export const REPLAY_ROUTE_SPECS = [{ method: 'GET', path: '/api/local/replay' }] as const;

export function replayRoutes(progress: () => ReplayProgress): Route[] {
  return [{ method: 'GET', path: '/api/local/replay', handle: async () => ({ status: 200, body: replayView(progress()) }) }];
}

/** `routes` with every write answered 503 until the replay is live; reads answer from what is stored. */
export function refuseWritesDuringReplay(routes: readonly Route[], progress: () => ReplayProgress): Route[] {
  return routes.map((r) =>
    r.method === 'GET'
      ? r
      : {
          ...r,
          handle: async (req) => {
            const p = progress();
            if (p.phase !== 'live') {
              throw new HttpError(503, `the demo replay is still running (${replayPct(p)} %, replayed to ${isoUtc(p.doneToSec)}): writes are accepted once it is live`);
            }
            return r.handle(req);
          },
        },
  );
}
