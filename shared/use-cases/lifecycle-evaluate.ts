/**
 * Use case: evaluate every lifecycle subject — endpoints (from the footprint store's variants and their intervals),
 * inference components and registry packages (from the cloud) — into a view: state, idle days, the idle time's
 * kgCO2e, the proposal (ladder.ts) and the open action. Excluded: the keep-warm tag, a running shadow test, an
 * endpoint hosting inference components (parking it would delete them; they scale to zero instead).
 */
import type { Clock, FootprintStore } from '../ports';
import type { LifecycleCloud, LifecycleStore } from '../ports/lifecycle-ports';
import { alignDown, DAY_SEC, isoUtc, type EpochSec } from '../domain/time';
import { resourceKey, type Ranged, type ResourceRef } from '../domain/types';
import type { InstanceSpec } from '../domain/power/instance-catalog';
import { componentIdleness, countAt, endpointIdleness, idleState, packageFreeze, variantIdleness, type VariantIdleness } from '../domain/lifecycle/cold-detection';
import { proposalFor } from '../domain/lifecycle/ladder';
import { subjectSettings, type LifecycleDefaults } from '../domain/lifecycle/settings';
import { isFinal, EFFECT_STATUSES } from '../domain/lifecycle/action-machine';
import { subjectKey, type ActionRecord, type LifecycleActionKind, type LifecycleMode, type LifecycleState, type Proposal, type Subject, type SubjectKind } from '../domain/lifecycle/types';

/** How far back intervals and invocation sums are read: beyond the default cold threshold, with room for tag overrides. */
export const LIFECYCLE_LOOKBACK_SEC = 45 * DAY_SEC;

export interface LifecycleResourceView {
  resource: string;
  kind: SubjectKind;
  region: string;
  subjectKey: string;
  state: LifecycleState;
  idleDays: number;
  /** True when no invocation was seen in the data held: idle at least `idleDays`. */
  idleDaysLowerBound: boolean;
  lastInvocationAt: string | null;
  /** Measured kgCO2e of the idle run (location-based; null where not measured per subject). */
  wastedKgCo2e: number | null;
  wastedKgCo2eRange: Ranged | null;
  invocationsPerGpuHour: number | null;
  instanceType?: string;
  instances?: number;
  gpus?: number;
  mode: LifecycleMode;
  thresholds: { coolingAfterDays: number; coldAfterDays: number; frozenAfterDays: number };
  excluded: string | null;
  managed: boolean;
  proposal: Proposal;
  action: { actionId: string; action: LifecycleActionKind; status: string; since: string; notBefore?: string; lastError?: string } | null;
  owner: string;
  tags: Record<string, string>;
  issues: string[];
  demo: boolean;
}

export interface LifecycleView {
  atSec: EpochSec;
  at: string;
  resources: LifecycleResourceView[];
  demo: boolean;
  errors: string[];
}

export interface LifecycleEvaluateDeps {
  footprint: FootprintStore;
  store: LifecycleStore;
  /** Without a cloud only endpoints are evaluated (no shadow tests, components or packages). */
  cloud?: LifecycleCloud;
  clock: Clock;
  defaults: LifecycleDefaults;
  lookupInstance: (instanceType: string) => InstanceSpec | undefined;
  /** Regions to look at for components and packages; empty = the regions of the tracked endpoints. */
  regions: readonly string[];
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

const ownerOf = (tags: Record<string, string>): string => {
  const k = Object.keys(tags).find((t) => ['owner', 'team'].includes(t.toLowerCase()));
  return k ? tags[k] : 'unknown';
};

const actionView = (r: ActionRecord | undefined): LifecycleResourceView['action'] =>
  r
    ? {
        actionId: r.actionId,
        action: r.action,
        status: r.status,
        since: isoUtc(r.history[r.history.length - 1]?.atSec ?? r.createdAtSec),
        ...(r.notBeforeSec !== undefined && (r.status === 'proposed' || r.status === 'approved') ? { notBefore: isoUtc(r.notBeforeSec) } : {}),
        ...(r.lastError ? { lastError: `${r.lastError.step}: ${r.lastError.message}` } : {}),
      }
    : null;

/** Build the view of every subject now. */
export async function evaluateLifecycle(d: LifecycleEvaluateDeps): Promise<LifecycleView> {
  const nowSec = d.clock.nowSec();
  const errors: string[] = [];
  const out: LifecycleResourceView[] = [];
  const actions = await d.store.listActions();
  // The open action per subject, else the newest final one (for the ladder's "done" rungs).
  const bySubject = new Map<string, ActionRecord[]>();
  for (const a of actions) bySubject.set(subjectKey(a.subject), [...(bySubject.get(subjectKey(a.subject)) ?? []), a]);
  const openOf = (s: Subject) => (bySubject.get(subjectKey(s)) ?? []).find((a) => !isFinal(a.status));
  const doneOf = (s: Subject): LifecycleActionKind[] => (bySubject.get(subjectKey(s)) ?? []).filter((a) => EFFECT_STATUSES.includes(a.status)).map((a) => a.action);

  // ---- endpoints ----
  const variants = (await d.footprint.listAllResources()).filter((r) => r.kind === 'endpoint' && !r.serverless);
  const byEndpoint = new Map<string, ResourceRef[]>();
  for (const v of variants) {
    const name = v.id.split('/')[0];
    const k = `${v.region}#${name}`;
    byEndpoint.set(k, [...(byEndpoint.get(k) ?? []), v]);
  }
  const regions = d.regions.length ? [...d.regions] : [...new Set(variants.map((v) => v.region))].sort();
  const shadow = new Map<string, string>();
  const componentEndpoints = new Set<string>();
  const components = new Map<string, Awaited<ReturnType<LifecycleCloud['listInferenceComponents']>>>();
  if (d.cloud) {
    for (const region of regions) {
      try {
        for (const s of await d.cloud.runningShadowTests(region)) shadow.set(`${region}#${s.endpointName}`, s.experimentName);
      } catch (e) {
        errors.push(`${region}: shadow tests not listed (${errorText(e)}); its endpoints are not proposed`);
        shadow.set(`${region}#*`, 'shadow tests could not be listed');
      }
      try {
        const ics = await d.cloud.listInferenceComponents(region, { startSec: alignDown(nowSec, DAY_SEC) - LIFECYCLE_LOOKBACK_SEC, endSec: alignDown(nowSec, DAY_SEC) });
        components.set(region, ics);
        for (const ic of ics) componentEndpoints.add(`${region}#${ic.endpointName}`);
      } catch (e) {
        errors.push(`${region}: inference components not listed (${errorText(e)})`);
      }
    }
  }

  const window = { startSec: nowSec - LIFECYCLE_LOOKBACK_SEC, endSec: nowSec + 1 };
  for (const [k, vs] of [...byEndpoint].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const [region, name] = [k.slice(0, k.indexOf('#')), k.slice(k.indexOf('#') + 1)];
    const subject: Subject = { kind: 'endpoint', region, name };
    const open = openOf(subject);
    const live = vs.filter((v) => v.endSec === undefined);
    if (!live.length && !open) continue; // deleted outside CarbonPilot
    try {
      const idle: VariantIdleness[] = [];
      for (const v of vs) {
        const vi = variantIdleness(v, await d.footprint.queryResourceIntervals(resourceKey(v), window), d.lookupInstance(v.instanceType)?.acceleratorCount ?? 0);
        if (vi) idle.push(vi);
      }
      const ep = endpointIdleness(idle);
      const tags = vs[0].tags;
      const st = subjectSettings(tags, d.defaults);
      const parked = open !== undefined && EFFECT_STATUSES.includes(open.status);
      const idleDays = ep?.idleDays ?? 0;
      const state: LifecycleState = parked ? 'parked' : idleState(idleDays, st);
      const excluded = st.keepWarm
        ? 'keep-warm tag'
        : shadow.has(`${region}#${name}`)
          ? `shadow test ${shadow.get(`${region}#${name}`)} running`
          : shadow.has(`${region}#*`)
            ? 'shadow tests could not be listed'
            : componentEndpoints.has(`${region}#${name}`)
              ? 'hosts inference components (parking would delete them; they scale to zero instead)'
              : undefined;
      const proposal = proposalFor({
        kind: 'endpoint',
        state,
        idleDays,
        readyInDays: state === 'cooling' ? st.coldAfterDays - idleDays : undefined,
        idleKwhPerHour: ep && ep.idleHours > 0 ? ep.idleKwhPerHour : undefined,
        idleKgCo2ePerHour: ep && ep.idleHours > 0 ? ep.idleKgCo2ePerHour : undefined,
        excluded,
        done: doneOf(subject),
        archiveClass: st.archiveClass,
        actedBy: parked && open ? { actionId: open.actionId, action: open.action } : undefined,
      });
      if (!st.managed && proposal.action !== 'none') proposal.warnings.push('not tagged carbonpilot:managed=true: CarbonPilot may propose but not act on it');
      const instances = vs.reduce((a, v) => a + countAt(v, nowSec), 0);
      out.push({
        resource: name,
        kind: 'endpoint',
        region,
        subjectKey: subjectKey(subject),
        state,
        idleDays: round(idleDays),
        idleDaysLowerBound: ep?.idleLowerBound ?? true,
        lastInvocationAt: ep?.lastInvocationSec ? isoUtc(ep.lastInvocationSec) : null,
        wastedKgCo2e: ep ? round(ep.wastedKgCo2e.point, 3) : 0,
        wastedKgCo2eRange: ep ? { point: round(ep.wastedKgCo2e.point, 3), low: round(ep.wastedKgCo2e.low, 3), high: round(ep.wastedKgCo2e.high, 3) } : null,
        invocationsPerGpuHour: ep?.invocationsPerGpuHour === null || ep === undefined ? null : round(ep.invocationsPerGpuHour, 1),
        instanceType: [...new Set(vs.map((v) => v.instanceType))].join('+'),
        instances,
        gpus: vs.reduce((a, v) => a + countAt(v, nowSec) * (d.lookupInstance(v.instanceType)?.acceleratorCount ?? 0), 0),
        mode: st.mode,
        thresholds: { coolingAfterDays: st.coolingAfterDays, coldAfterDays: st.coldAfterDays, frozenAfterDays: st.frozenAfterDays },
        excluded: excluded ?? null,
        managed: st.managed,
        proposal,
        action: actionView(open),
        owner: ownerOf(tags),
        tags,
        issues: st.issues,
        demo: vs.some((v) => v.demo === true),
      });
    } catch (e) {
      errors.push(`endpoint ${name} (${region}): ${errorText(e)}`);
    }
  }

  // ---- inference components ----
  for (const [region, ics] of components) {
    for (const ic of ics) {
      const subject: Subject = { kind: 'inference-component', region, name: ic.name };
      const open = openOf(subject);
      const st = subjectSettings(ic.tags, d.defaults);
      const ci = componentIdleness(ic, alignDown(nowSec, DAY_SEC));
      const parked = open !== undefined && EFFECT_STATUSES.includes(open.status);
      const state: LifecycleState = parked ? 'parked' : idleState(ci.idleDays, st);
      const excluded = st.keepWarm ? 'keep-warm tag' : shadow.has(`${region}#${ic.endpointName}`) ? `shadow test ${shadow.get(`${region}#${ic.endpointName}`)} running on its endpoint` : undefined;
      const proposal = proposalFor({ kind: 'inference-component', state, idleDays: ci.idleDays, readyInDays: state === 'cooling' ? st.coldAfterDays - ci.idleDays : undefined, excluded, done: doneOf(subject), archiveClass: st.archiveClass, actedBy: parked && open ? { actionId: open.actionId, action: open.action } : undefined });
      out.push({
        resource: ic.name, kind: 'inference-component', region, subjectKey: subjectKey(subject), state,
        idleDays: round(ci.idleDays), idleDaysLowerBound: ci.idleLowerBound,
        lastInvocationAt: ci.lastInvocationDaySec !== null ? isoUtc(ci.lastInvocationDaySec + DAY_SEC) : null,
        wastedKgCo2e: null, wastedKgCo2eRange: null, invocationsPerGpuHour: null,
        instances: ic.copyCount,
        mode: st.mode,
        thresholds: { coolingAfterDays: st.coolingAfterDays, coldAfterDays: st.coldAfterDays, frozenAfterDays: st.frozenAfterDays },
        excluded: excluded ?? null, managed: st.managed, proposal, action: actionView(open), owner: ownerOf(ic.tags), tags: ic.tags,
        issues: [...st.issues, 'energy is accounted per endpoint variant, not per component: wasted kgCO2e shows on the endpoint'],
        demo: ic.demo === true,
      });
    }
  }

  // ---- registry packages ----
  if (d.cloud) {
    for (const region of regions) {
      try {
        const packages = await d.cloud.listModelPackages(region);
        if (!packages.length) continue;
        const live = await livePackages(d.cloud, region, [...byEndpoint].filter(([k, vs]) => k.startsWith(`${region}#`) && vs.some((v) => v.endSec === undefined)).map(([k]) => k.slice(region.length + 1)));
        const observedSince = await d.store.observedSince(region, nowSec);
        for (const p of packages) {
          const subject: Subject = { kind: 'model-package', region, name: p.arn };
          const isLive = live.has(p.arn) || (p.groupName !== undefined && p.version !== undefined && live.has(`${p.groupName}/${p.version}`));
          if (isLive) await d.store.markPackageLive(region, p.arn, nowSec, p.demo);
          const st = subjectSettings(p.tags, d.defaults);
          const fz = packageFreeze(p, { live: isLive, lastLiveSec: isLive ? nowSec : await d.store.packageLastLive(region, p.arn), observedSinceSec: observedSince, nowSec, frozenAfterDays: st.frozenAfterDays });
          const open = openOf(subject);
          const done = doneOf(subject);
          const archived = p.lifeCycle?.Stage === 'Archived';
          const state: LifecycleState = fz.frozen ? 'frozen' : 'active';
          const excluded = st.keepWarm ? 'keep-warm tag' : undefined;
          const proposal = proposalFor({ kind: 'model-package', state, idleDays: fz.daysWithoutLiveEndpoint, excluded, done: archived ? [...done, 'archive-package'] : done, archiveClass: st.archiveClass });
          out.push({
            resource: p.groupName && p.version !== undefined ? `${p.groupName}/${p.version}` : p.arn,
            kind: 'model-package', region, subjectKey: subjectKey(subject),
            state: open && EFFECT_STATUSES.includes(open.status) ? 'parked' : state,
            idleDays: round(fz.daysWithoutLiveEndpoint), idleDaysLowerBound: fz.lowerBound, lastInvocationAt: null,
            wastedKgCo2e: null, wastedKgCo2eRange: null, invocationsPerGpuHour: null,
            mode: st.mode,
            thresholds: { coolingAfterDays: st.coolingAfterDays, coldAfterDays: st.coldAfterDays, frozenAfterDays: st.frozenAfterDays },
            excluded: excluded ?? null, managed: st.managed, proposal, action: actionView(open), owner: ownerOf(p.tags), tags: p.tags,
            issues: [...st.issues, ...(archived ? ['ModelLifeCycle stage is already Archived'] : [])],
            demo: p.demo === true,
          });
        }
      } catch (e) {
        errors.push(`${region}: model packages not evaluated (${errorText(e)})`);
      }
    }
  }
  return { atSec: nowSec, at: isoUtc(nowSec), resources: out, demo: out.some((r) => r.demo), errors };
}

/** Packages behind the live endpoints of a region: endpoint → config → models → ModelPackageName (ARN or group/version). */
async function livePackages(cloud: LifecycleCloud, region: string, endpointNames: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const name of endpointNames) {
    const ep = await cloud.describeEndpoint(region, name);
    if (!ep) continue;
    const cfg = await cloud.describeEndpointConfig(region, ep.EndpointConfigName);
    for (const v of cfg?.ProductionVariants ?? []) {
      if (!v.ModelName) continue;
      const m = await cloud.describeModel(region, v.ModelName);
      for (const p of m?.modelPackageNames ?? []) out.add(p);
    }
  }
  return out;
}

/** Counts for the KPI: cold/frozen subjects acted on, not acted on, excluded. */
export function evaluationCounts(v: LifecycleView): { coldNotActed: number; acted: number; excluded: number } {
  let coldNotActed = 0;
  let acted = 0;
  let excluded = 0;
  for (const r of v.resources) {
    if (r.state === 'parked') acted++;
    else if (r.state === 'cold' || r.state === 'frozen') {
      if (r.excluded) excluded++;
      else if (r.kind === 'model-package' && r.issues.includes('ModelLifeCycle stage is already Archived')) acted++;
      else coldNotActed++;
    }
  }
  return { coldNotActed, acted, excluded };
}
