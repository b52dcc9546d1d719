/** Child process for the time-zone test: computes intervals and aggregates across a DST change, prints JSON. */
import { computeInterval } from '../../shared/domain/footprint/compute-interval';
import { aggregate } from '../../shared/domain/footprint/aggregate';
import { parseIsoInstant, splitAligned } from '../../shared/domain/time';
import { TEST_SPEC, job, minuteSamples, telemetryOf } from './fixtures';

const start = parseIsoInstant('2025-11-01T20:00:00Z');
const end = parseIsoInstant('2025-11-03T04:00:00Z');
const r = job({ startSec: start, counts: [{ atSec: start, instanceCount: 1 }] });
const intervals = splitAligned({ startSec: start, endSec: end }, 3600).map((w) =>
  computeInterval({
    resource: r,
    spec: TEST_SPEC,
    attribution: { team: 'a', project: 'b', model: 'c' },
    interval: w,
    telemetry: telemetryOf(r, [{ host: 'h', samples: minuteSamples(w.startSec, 60, (i) => ({ gpuUtilPct: (i * 7 + w.startSec / 3600) % 100, cpuUtilPct: 20 })) }]),
    pue: 1.2,
    pueSource: 't',
    intensity: { gPerKwh: 250, signal: 'average-lifecycle', zone: 'Z', provider: 'p', quality: 'actual' },
  }),
);
const byDay = aggregate(intervals, 'day');
process.stdout.write(JSON.stringify({ days: byDay.rows.map((x) => [x.key, x.energyKwh, x.co2eKg, x.intervals]) }));
