/**
 * Lifecycle settings per subject: defaults from the configuration, overridden by the subject's own tags. A tag with
 * a bad value is reported and ignored (the default holds), never guessed. Pure.
 */
import { LIFECYCLE_MODES, type LifecycleMode } from './types';

/** Tags CarbonPilot reads on endpoints, inference components and model packages. */
export const LIFECYCLE_TAGS = {
  /** Never propose or act on this resource (any value but "false"). */
  keepWarm: 'carbonpilot:keep-warm',
  /** recommend | approve | auto: `auto` can only be set by this tag (opt-in per resource). */
  mode: 'carbonpilot:lifecycle-mode',
  coolingAfterDays: 'carbonpilot:cooling-after-days',
  coldAfterDays: 'carbonpilot:cold-after-days',
  frozenAfterDays: 'carbonpilot:frozen-after-days',
  /** IAM scopes CarbonPilot's delete/create/update rights to resources with this tag = "true" (see shared/pipeline.ts). */
  managed: 'carbonpilot:managed',
  /** Storage class the artefacts' lifecycle rule moves them to: glacier-ir (default), glacier, deep-archive (opt-in). */
  archiveClass: 'carbonpilot:archive-class',
} as const;

/** Defaults (configurable with LIFECYCLE_* variables, see shared/contracts/lifecycle.ts). */
export interface LifecycleDefaults {
  mode: Exclude<LifecycleMode, 'auto'>;
  coolingAfterDays: number;
  coldAfterDays: number;
  frozenAfterDays: number;
  /** How long an approve/auto proposal waits for a veto before it may run. */
  vetoWindowSec: number;
}

/** The issue's defaults: cooling after 3 idle days, cold after 14, packages frozen after 90 days without a live endpoint. */
export const DEFAULT_LIFECYCLE: Readonly<LifecycleDefaults> = Object.freeze({
  mode: 'recommend',
  coolingAfterDays: 3,
  coldAfterDays: 14,
  frozenAfterDays: 90,
  vetoWindowSec: 24 * 3600,
});

export interface SubjectSettings {
  mode: LifecycleMode;
  coolingAfterDays: number;
  coldAfterDays: number;
  frozenAfterDays: number;
  keepWarm: boolean;
  managed: boolean;
  archiveClass: ArchiveClass;
  /** Tags that could not be used, with why. */
  issues: string[];
}

export type ArchiveClass = 'glacier-ir' | 'glacier' | 'deep-archive';
const ARCHIVE_CLASSES: readonly ArchiveClass[] = ['glacier-ir', 'glacier', 'deep-archive'];

const tagValue = (tags: Record<string, string>, key: string): string | undefined => {
  const k = Object.keys(tags).find((t) => t.toLowerCase() === key);
  return k === undefined ? undefined : tags[k].trim();
};

/** The settings a subject gets from the defaults and its tags. */
export function subjectSettings(tags: Record<string, string>, d: LifecycleDefaults = DEFAULT_LIFECYCLE): SubjectSettings {
  const issues: string[] = [];
  const days = (key: string, fallback: number): number => {
    const v = tagValue(tags, key);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0 || n > 3650) {
      issues.push(`${key}="${v}" is not a number of days in (0, 3650]; default ${fallback} used`);
      return fallback;
    }
    return n;
  };
  const coolingAfterDays = days(LIFECYCLE_TAGS.coolingAfterDays, d.coolingAfterDays);
  let coldAfterDays = days(LIFECYCLE_TAGS.coldAfterDays, d.coldAfterDays);
  if (coldAfterDays < coolingAfterDays) {
    issues.push(`${LIFECYCLE_TAGS.coldAfterDays} (${coldAfterDays}) is below the cooling threshold (${coolingAfterDays}); cold from ${coolingAfterDays} days`);
    coldAfterDays = coolingAfterDays;
  }
  const modeTag = tagValue(tags, LIFECYCLE_TAGS.mode);
  let mode: LifecycleMode = d.mode;
  if (modeTag !== undefined) {
    if ((LIFECYCLE_MODES as readonly string[]).includes(modeTag)) mode = modeTag as LifecycleMode;
    else issues.push(`${LIFECYCLE_TAGS.mode}="${modeTag}" is not one of ${LIFECYCLE_MODES.join('|')}; ${d.mode} used`);
  }
  const classTag = tagValue(tags, LIFECYCLE_TAGS.archiveClass);
  let archiveClass: ArchiveClass = 'glacier-ir';
  if (classTag !== undefined) {
    if ((ARCHIVE_CLASSES as readonly string[]).includes(classTag)) archiveClass = classTag as ArchiveClass;
    else issues.push(`${LIFECYCLE_TAGS.archiveClass}="${classTag}" is not one of ${ARCHIVE_CLASSES.join('|')}; glacier-ir used`);
  }
  const keep = tagValue(tags, LIFECYCLE_TAGS.keepWarm);
  return {
    mode,
    coolingAfterDays,
    coldAfterDays,
    frozenAfterDays: days(LIFECYCLE_TAGS.frozenAfterDays, d.frozenAfterDays),
    keepWarm: keep !== undefined && keep.toLowerCase() !== 'false',
    managed: tagValue(tags, LIFECYCLE_TAGS.managed)?.toLowerCase() === 'true',
    archiveClass,
    issues,
  };
}
