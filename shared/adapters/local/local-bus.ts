/**
 * A local stand-in for EventBridge: pattern-matched subscriptions from the pipeline definition and
 * rate schedules fired from a controllable clock. Same event shapes as EventBridge, same handlers.
 */
import { createHash } from 'node:crypto';
import { matchesPattern } from '../../domain/event-pattern';
import { isoUtc, type EpochSec } from '../../domain/time';
import type { BusName, EventPattern, PipelineFunction } from '../../pipeline';
import type { BusOutbox } from './local-durable-state';

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

interface Delivery {
  functionId: string;
  event: BusEvent;
}

/** The invocation a handler's PutEvents belongs to (its events get ids derived from the event being delivered). */
interface DeliveryContext {
  parentId: string;
  functionId: string;
  published: number;
}

export type BusEntry = { source: string; detailType: string; detail: unknown; timeSec: EpochSec; region?: string };

/**
 * The local EventBridge. Event ids are deterministic (a schedule's from its rule and slot, a handler's PutEvents
 * from the event being delivered, its position and content, others from their content and time), so a rerun after
 * a crash regenerates the same ids. With an outbox (the local store), every accepted delivery is kept until it was
 * delivered, and redelivered after a restart (`recover`), as EventBridge delivers an accepted event at least once;
 * a regenerated copy of a delivery already made is recognised by its id and not made again.
 */
export class LocalBus {
  private readonly subs: LocalSubscription[];
  private readonly queue: (Delivery & { key: string })[] = [];
  private nextFire = new Map<string, EpochSec>();
  private readonly listeners: { bus: BusName; pattern: EventPattern; listener: (e: BusEvent) => void }[] = [];
  /**
   * The delivery in flight: drain() delivers one at a time, so a PutEvents made meanwhile is that handler's (the local
   * API publishes nothing). A plain field, not AsyncLocalStorage: its promise hooks cost ~2 % of a replay's CPU.
   */
  private current: DeliveryContext | undefined;
  private seq = 0;
  /** Deliveries made (or recovered as made) since the last commit: cleared from the outbox at the next commit. */
  private done: string[] = [];
  readonly stats: BusStats = { delivered: 0, failed: [] };

  constructor(
    pipeline: readonly PipelineFunction[],
    private readonly invoke: Invoke,
    private readonly region = 'local',
    private readonly outbox?: BusOutbox<BusEvent>,
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

  /** Queue deliveries; with an outbox each is first accepted durably (an id accepted before is not queued again). */
  private enqueue(deliveries: Delivery[]): Promise<void> {
    const keyed = deliveries.map((d) => ({ ...d, key: `${d.event.id}#${d.functionId}` }));
    const outbox = this.outbox;
    if (!outbox) {
      this.queue.push(...keyed);
      return Promise.resolve();
    }
    return (async () => {
      for (const d of keyed) {
        if (await outbox.accept({ key: d.key, seq: this.seq, functionId: d.functionId, event: d.event })) {
          this.seq++;
          this.queue.push(d);
        }
      }
    })();
  }

  /** Load what a crashed run accepted: pending deliveries are queued again in acceptance order, delivered ones remembered. */
  async recover(): Promise<number> {
    if (!this.outbox) return 0;
    const all = await this.outbox.load();
    this.seq = all.reduce((m, d) => Math.max(m, d.seq + 1), 0);
    const pending = all.filter((d) => d.state === 'pending');
    this.queue.push(...pending.map((d) => ({ key: d.key, functionId: d.functionId, event: d.event })));
    this.done.push(...all.filter((d) => d.state === 'delivered').map((d) => d.key));
    return pending.length;
  }

  /** PutEvents: route to every subscription whose pattern matches; delivery happens on drain(). */
  publish(bus: BusName, entries: BusEntry[]): Promise<void> {
    const ctx = this.current;
    const deliveries: Delivery[] = [];
    for (const e of entries) {
      const content = `${bus}|${e.source}|${e.detailType}|${JSON.stringify(e.detail)}`;
      const seed = ctx ? `${ctx.parentId}|${ctx.functionId}|${ctx.published++}|${content}` : `${e.timeSec}|${content}`;
      const event = this.event(seed, e.source, e.detailType, e.timeSec, e.detail, e.region);
      for (const s of this.subs) {
        if (s.pattern && s.bus === bus && matchesPattern(s.pattern, event)) deliveries.push({ functionId: s.functionId, event });
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
    return this.enqueue(deliveries);
  }

  /**
   * Fire the schedules due at or before `nowSec`. With `coalesce`, a schedule that missed several slots fires
   * once for the latest (a replay compresses time; the collector catches up from its cursors); otherwise once per slot.
   */
  fireSchedulesUpTo(nowSec: EpochSec, anchorSec: EpochSec, coalesce = false): Promise<number> {
    const deliveries: Delivery[] = [];
    for (const s of this.subs) {
      if (!s.scheduleExpression) continue;
      const every = rateSeconds(s.scheduleExpression);
      const key = `${s.functionId}/${s.triggerId}`;
      let next = this.nextFire.get(key) ?? Math.ceil(anchorSec / every) * every;
      if (coalesce && next <= nowSec) next = Math.floor(nowSec / every) * every;
      while (next <= nowSec) {
        const rule = `arn:aws:events:${this.region}:000000000000:rule/${s.triggerId}`;
        deliveries.push({ functionId: s.functionId, event: this.event(`${key}|${next}`, 'aws.events', 'Scheduled Event', next, {}, this.region, [rule]) });
        next += every;
      }
      this.nextFire.set(key, next);
    }
    return this.enqueue(deliveries).then(() => deliveries.length);
  }

  /** The rate schedules' next firing per rule (kept with the replay's progress). */
  scheduleState(): Record<string, EpochSec> {
    return Object.fromEntries(this.nextFire);
  }

  restoreScheduleState(state: Record<string, EpochSec>): void {
    this.nextFire = new Map(Object.entries(state));
  }

  /** Deliver queued events (and whatever they publish) until the queue is empty. A failing handler is recorded, not fatal. */
  async drain(): Promise<void> {
    while (this.queue.length) {
      const { key, functionId, event } = this.queue.shift()!;
      try {
        this.current = { parentId: event.id, functionId, published: 0 };
        await this.invoke(functionId, event);
        this.stats.delivered++;
      } catch (err) {
        // Dropped after the failure is recorded (the local stand-in for retries exhausted without a DLQ).
        this.stats.failed.push({ functionId, error: err instanceof Error ? err.message : String(err) });
      } finally {
        this.current = undefined;
      }
      if (this.outbox) {
        await this.outbox.markDelivered(key);
        this.done.push(key);
      }
    }
  }

  /** Forget the deliveries made so far (the replay step that made them is done); no-op without an outbox. */
  async commit(): Promise<void> {
    const keys = this.done;
    this.done = [];
    if (this.outbox && keys.length) await this.outbox.clear(keys);
  }

  pending(): number {
    return this.queue.length;
  }
}
