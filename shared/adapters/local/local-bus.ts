/**
 * A local stand-in for EventBridge: pattern-matched subscriptions from the pipeline definition and
 * rate schedules fired from a controllable clock. Same event shapes as EventBridge, same handlers.
 */
import { createHash } from 'node:crypto';
import { matchesPattern } from '../../domain/event-pattern';
import { isoUtc, type EpochSec } from '../../domain/time';
import type { BusName, EventPattern, PipelineFunction } from '../../pipeline';

export interface LocalSubscription {
  functionId: string;
  triggerId: string;
  bus: BusName;
  pattern?: EventPattern;
  scheduleExpression?: string;
}

/** What the local runtime subscribes for a pipeline; the CDK parity test compares it with the synthesized rules. */
export function localSubscriptions(pipeline: readonly PipelineFunction[]): LocalSubscription[] {
  // http-api and one-time-schedule triggers are not bus subscriptions: the local server and the runtime serve them.
  return pipeline.flatMap((fn) =>
    fn.triggers.flatMap((t): LocalSubscription[] =>
      t.type === 'schedule'
        ? [{ functionId: fn.id, triggerId: t.id, bus: 'default', scheduleExpression: t.expression }]
        : t.type === 'event'
          ? [{ functionId: fn.id, triggerId: t.id, bus: t.bus, pattern: t.pattern }]
          : [],
    ),
  );
}

/** Seconds between firings of an EventBridge `rate(...)` expression. cron() is not supported locally (yet). */
export function rateSeconds(expression: string): number {
  const m = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (!m) throw new Error(`local bus supports only rate(N unit) schedules, got "${expression}"`);
  const n = Number(m[1]);
  const unit = m[2].startsWith('minute') ? 60 : m[2].startsWith('hour') ? 3600 : 86400;
  return n * unit;
}

export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

export type Invoke = (functionId: string, event: BusEvent) => Promise<void>;

export interface BusStats {
  delivered: number;
  failed: { functionId: string; error: string }[];
}

const eventId = (parts: string): string => {
  const h = createHash('sha256').update(parts).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

export class LocalBus {
  private readonly subs: LocalSubscription[];
  private readonly queue: { functionId: string; event: BusEvent }[] = [];
  private readonly nextFire = new Map<string, EpochSec>();
  private readonly listeners: { bus: BusName; pattern: EventPattern; listener: (e: BusEvent) => void }[] = [];
  private seq = 0;
  readonly stats: BusStats = { delivered: 0, failed: [] };

  constructor(
    pipeline: readonly PipelineFunction[],
    private readonly invoke: Invoke,
    private readonly region = 'local',
  ) {
    this.subs = localSubscriptions(pipeline);
  }

  private event(idSeed: string, source: string, detailType: string, timeSec: EpochSec, detail: unknown, region = this.region, resources: string[] = []): BusEvent {
    return { version: '0', id: eventId(idSeed), 'detail-type': detailType, source, account: '000000000000', time: isoUtc(timeSec), region, resources, detail };
  }

  /**
   * A subscriber that is not a pipeline function (where AWS has another rule target, e.g. the SNS topic of
   * notifications): called on publish for every matching event. A throwing listener never fails the publisher.
   */
  subscribe(bus: BusName, pattern: EventPattern, listener: (e: BusEvent) => void): void {
    this.listeners.push({ bus, pattern, listener });
  }

  /** PutEvents: route to every subscription whose pattern matches; delivery happens on drain(). */
  publish(bus: BusName, entries: { source: string; detailType: string; detail: unknown; timeSec: EpochSec; region?: string }[]): void {
    for (const e of entries) {
      const event = this.event(`${bus}|${e.source}|${e.detailType}|${this.seq++}|${JSON.stringify(e.detail)}`, e.source, e.detailType, e.timeSec, e.detail, e.region);
      for (const s of this.subs) {
        if (s.pattern && s.bus === bus && matchesPattern(s.pattern, event)) this.queue.push({ functionId: s.functionId, event });
      }
      for (const l of this.listeners) {
        if (l.bus !== bus || !matchesPattern(l.pattern, event)) continue;
        try {
          l.listener(event);
        } catch {
          // a printing subscriber must not fail the function that published
        }
      }
    }
  }

  /**
   * Fire the schedules due at or before `nowSec`. With `coalesce`, a schedule that missed several slots fires
   * once for the latest (a replay compresses time; the collector catches up from its cursors); otherwise once per slot.
   */
  fireSchedulesUpTo(nowSec: EpochSec, anchorSec: EpochSec, coalesce = false): number {
    let fired = 0;
    for (const s of this.subs) {
      if (!s.scheduleExpression) continue;
      const every = rateSeconds(s.scheduleExpression);
      const key = `${s.functionId}/${s.triggerId}`;
      let next = this.nextFire.get(key) ?? Math.ceil(anchorSec / every) * every;
      if (coalesce && next <= nowSec) next = Math.floor(nowSec / every) * every;
      while (next <= nowSec) {
        const rule = `arn:aws:events:${this.region}:000000000000:rule/${s.triggerId}`;
        this.queue.push({ functionId: s.functionId, event: this.event(`${key}|${next}`, 'aws.events', 'Scheduled Event', next, {}, this.region, [rule]) });
        next += every;
        fired++;
      }
      this.nextFire.set(key, next);
    }
    return fired;
  }

  /** Deliver queued events (and whatever they publish) until the queue is empty. A failing handler is recorded, not fatal. */
  async drain(): Promise<void> {
    while (this.queue.length) {
      const { functionId, event } = this.queue.shift()!;
      try {
        await this.invoke(functionId, event);
        this.stats.delivered++;
      } catch (err) {
        this.stats.failed.push({ functionId, error: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  pending(): number {
    return this.queue.length;
  }
}
