/**
 * SeriesForecastSource keeps our forecast re-issued at each scored vintage between hours (scoring re-issues it at up
 * to 14 vintages every hour): a warm source must answer exactly as a fresh one, also after a stored actual changed.
 * The store is the benchmark's in-memory IntensityStore double (parity-tested against DynamoIntensityStore).
 */
import { SeriesForecastSource, SKILL_DAYS } from '../../../../shared/adapters/intensity/series-forecast-source';
import { StoredIntensityProvider } from '../../../../shared/adapters/intensity/stored-intensity-provider';
import { ManualClock } from '../../../../shared/adapters/local/manual-clock';
import type { StoredIntensityPoint } from '../../../../shared/ports/intensity-store';
import { MemoryIntensityStore } from '../../../../bench/lib/memory-intensity-store';

const H = 3600;
const DAY = 86400;
const T0 = 1_763_596_800; // 2025-11-20T00:00:00Z
const NOW = T0 + 70 * DAY + 5 * H;
const S = 'average-lifecycle' as const;
/** Synthetic grid (test only): daily cycle and slow swings. */
const truth = (t: number) => 300 * Math.exp(0.25 * Math.sin((2 * Math.PI * (t - T0)) / DAY) + 0.35 * Math.sin((2 * Math.PI * (t - T0)) / (97 * H)));
const pt = (t: number, g: number, extra: Partial<StoredIntensityPoint> = {}): StoredIntensityPoint => ({ tSec: t, periodSec: H, gPerKwh: g, zone: 'Z', signal: S, provider: 'feed', quality: 'actual', ...extra });

async function seeded() {
  const store = new MemoryIntensityStore();
  const pts: StoredIntensityPoint[] = [];
  for (let t = T0; t < NOW + 3 * H; t += H) pts.push(pt(t, truth(t)));
  for (let d = SKILL_DAYS + 1; d >= 0; d--) {
    const issued = Math.floor(NOW / DAY) * DAY - d * DAY;
    for (let k = 0; k < 96; k++) pts.push(pt(issued + k * H, truth(issued + k * H) * 1.1, { provider: 'weather-co', quality: 'provider-forecast', issuedAtSec: issued }));
  }
  await store.putPoints(pts);
  return store;
}
const source = (store: MemoryIntensityStore, clock: ManualClock) => new SeriesForecastSource([new StoredIntensityProvider(store, clock)], store);

describe('SeriesForecastSource across hours', () => {
  it('answers hour after hour exactly as a fresh source would', async () => {
    // Prepare
    const store = await seeded();
    const clock = new ManualClock(NOW);
    const warm = source(store, clock);
    await warm.forecast('Z', S, NOW, 48);
    for (const t of [NOW + H, NOW + 2 * H]) {
      clock.set(t);
      // Act
      const a = await warm.forecast('Z', S, t, 48);
      const b = await source(store, new ManualClock(t)).forecast('Z', S, t, 48);
      // Assess
      expect(a).toEqual(b);
      expect(a.source).toMatch(/blended with weather-co/);
    }
  });

  it('re-scores when a stored actual among the scored hours changes', async () => {
    const store = await seeded();
    const clock = new ManualClock(NOW);
    const warm = source(store, clock);
    await warm.forecast('Z', S, NOW, 48);
    clock.set(NOW + H);
    // A corrected actual 10 days back: inside the history our forecaster was re-issued from for the scored vintages.
    const t = Math.floor(NOW / DAY) * DAY - 10 * DAY + 7 * H;
    await store.putPoints([pt(t, truth(t) * 3)]);
    const a = await warm.forecast('Z', S, NOW + H, 48);
    const b = await source(store, new ManualClock(NOW + H)).forecast('Z', S, NOW + H, 48);
    expect(a).toEqual(b);
  });
});
