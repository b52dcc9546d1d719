/**
 * The ladder of reversible actions (pure): for each subject the cheapest action that fits, with its expected saving
 * (the measured idle draw, per month) and its restore cost (time to serve again).
 *   - inference component: scale copies to zero (Application Auto Scaling MinCapacity 0 + the wake-up alarm);
 *   - endpoint: park (snapshot, then DeleteEndpoint; config and model kept, CreateEndpoint restores);
 *   - registry package: ModelLifeCycle stage "Archived" (never ModelApprovalStatus Rejected), then its artefacts
 *     tagged for an S3 lifecycle rule to an archive class.
 */
import type { Ranged } from '../types';
import type { ArchiveClass } from './settings';
import type { LifecycleActionKind, LifecycleState, Proposal, SubjectKind } from './types';

/** Average hours per month: 8760 h per year / 12. */
export const HOURS_PER_MONTH = 730;

export interface RestoreCost {
  restoreTime: string;
  note: string;
}

/** Time to serve again after undoing each action, with its source. */
export const RESTORE_COST: Record<Exclude<LifecycleActionKind, 'archive-artefacts'>, RestoreCost> = {
  'scale-to-zero': {
    restoreTime: 'PT5M',
    note: 'the first request after a scale-in to zero fails while a copy is provisioned; "the provisioning process takes several minutes" (SageMaker Developer Guide, "Scale an endpoint to zero instances", 2024); 5 min is our estimate of "several"',
  },
  park: {
    restoreTime: 'PT15M',
    note: 'unpark = CreateEndpoint from the kept endpoint config until InService, then auto scaling re-registered; ASSUMPTION: 15 min (endpoint creation provisions instances and loads the model; AWS publishes no figure)',
  },
  'archive-package': {
    restoreTime: 'PT0S',
    note: 'undo = UpdateModelPackage with the previous ModelLifeCycle: a metadata change, the package stays deployable throughout',
  },
};

/** Restore cost of archived artefacts by storage class (S3 User Guide, "Amazon S3 storage classes" and "Restoring an archived object", 2024). */
export const ARCHIVE_CLASS_RESTORE: Record<ArchiveClass, RestoreCost & { storageClass: string }> = {
  'glacier-ir': { storageClass: 'GLACIER_IR', restoreTime: 'PT0S', note: 'S3 Glacier Instant Retrieval: millisecond retrieval, readable by CreateEndpoint without a restore' },
  glacier: { storageClass: 'GLACIER', restoreTime: 'PT12H', note: 'WARNING: S3 Glacier Flexible Retrieval needs a RestoreObject first (expedited 1–5 min, standard 3–5 h, bulk 5–12 h); the endpoint cannot be recreated until then' },
  'deep-archive': { storageClass: 'DEEP_ARCHIVE', restoreTime: 'PT48H', note: 'WARNING: S3 Glacier Deep Archive needs a RestoreObject first (standard within 12 h, bulk within 48 h); the endpoint cannot be recreated until then' },
};

export const restoreCostOf = (action: LifecycleActionKind, archiveClass: ArchiveClass = 'glacier-ir'): RestoreCost =>
  action === 'archive-artefacts' ? ARCHIVE_CLASS_RESTORE[archiveClass] : RESTORE_COST[action];

/** The rungs for a subject kind, in ladder order. */
export function ladderFor(kind: SubjectKind): LifecycleActionKind[] {
  if (kind === 'inference-component') return ['scale-to-zero'];
  if (kind === 'endpoint') return ['park'];
  return ['archive-package', 'archive-artefacts'];
}

export interface ProposalInput {
  kind: SubjectKind;
  state: LifecycleState;
  idleDays: number;
  /** Days until the subject would become cold (cooling) or frozen. */
  readyInDays?: number;
  /** Mean measured draw of the idle run per hour (facility energy incl. PUE, location-based kgCO2e); absent = not measured. */
  idleKwhPerHour?: Ranged;
  idleKgCo2ePerHour?: Ranged;
  /** Why the subject must not be acted on (keep-warm tag, running shadow test); undefined = not excluded. */
  excluded?: string;
  /** Rungs already taken (applied or in progress) for this subject. */
  done: readonly LifecycleActionKind[];
  archiveClass: ArchiveClass;
  /** Parked / archived by this action id (state parked or frozen with an applied action). */
  actedBy?: { actionId: string; action: LifecycleActionKind };
}

const none = (reason: string, restore: RestoreCost = { restoreTime: 'PT0S', note: 'nothing to restore' }): Proposal => ({
  action: 'none',
  expectedSavingKgCo2ePerMonth: 0,
  expectedSavingRangeKgCo2ePerMonth: null,
  expectedSavingKwhPerMonth: 0,
  restoreTime: restore.restoreTime,
  restoreNote: restore.note,
  ready: false,
  reason,
  warnings: [],
});

const monthly = (r: Ranged | undefined): Ranged | null =>
  r ? { point: r.point * HOURS_PER_MONTH, low: r.low * HOURS_PER_MONTH, high: r.high * HOURS_PER_MONTH } : null;

/** The proposal for one subject: the next rung of its ladder, or `none` with the reason. */
export function proposalFor(p: ProposalInput): Proposal {
  if (p.state === 'parked' && p.actedBy) {
    const r = restoreCostOf(p.actedBy.action, p.archiveClass);
    return none(`${p.actedBy.action} by ${p.actedBy.actionId}; undo restores it`, r);
  }
  if (p.excluded) return none(`excluded: ${p.excluded}`);
  if (p.state === 'active') return none('active: serving invocations');
  const action = ladderFor(p.kind).find((a) => !p.done.includes(a));
  if (!action) return none('every rung of the ladder is already taken');
  const restore = restoreCostOf(action, p.archiveClass);
  const compute = action === 'park' || action === 'scale-to-zero';
  const kg = compute ? monthly(p.idleKgCo2ePerHour) : null;
  const kwh = compute ? monthly(p.idleKwhPerHour) : null;
  const ready = p.state === 'cold' || p.state === 'frozen';
  const warnings: string[] = [];
  if (action === 'archive-artefacts' && p.archiveClass !== 'glacier-ir') warnings.push(restore.note);
  if (action === 'scale-to-zero') warnings.push('saving not quantified per component: the endpoint\'s instances scale in only when every component is at zero copies and the variant\'s ManagedInstanceScaling MinInstanceCount is 0');
  return {
    action,
    expectedSavingKgCo2ePerMonth: kg ? kg.point : null,
    expectedSavingRangeKgCo2ePerMonth: kg,
    expectedSavingKwhPerMonth: kwh ? kwh.point : null,
    restoreTime: restore.restoreTime,
    restoreNote: restore.note,
    ready,
    reason: ready
      ? `${p.state}: ${p.kind === 'model-package' ? `no live endpoint for ${p.idleDays.toFixed(1)} days` : `idle ${p.idleDays.toFixed(1)} days`}` +
        (compute ? (kg ? '; saving = the measured idle draw of that run, per month' : '; no measured draw to quantify the saving') : '; no compute energy is avoided (storage / registry governance)')
      : `cooling: idle ${p.idleDays.toFixed(1)} days${p.readyInDays !== undefined ? `, cold in ${p.readyInDays.toFixed(1)} days` : ''}`,
    warnings,
  };
}
