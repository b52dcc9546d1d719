/**
 * Tag → attribution (team / project / model). Pure: no AWS, no env, no clock.
 * Which tag keys feed which dimension is configuration (ATTRIBUTION_KEYS), parsed once at start-up.
 */
import { UNTAGGED, type Attribution } from './types';

export type AttributionDimension = keyof Attribution;

/** Tag keys to try per dimension, in priority order (first non-empty match wins). */
export interface AttributionKeys {
  team: string[];
  project: string[];
  model: string[];
}

const DIMENSIONS: readonly AttributionDimension[] = ['team', 'project', 'model'];

/** Common tag conventions; matching is case-insensitive, so 'team' also matches 'Team' and 'TEAM'. */
export const DEFAULT_ATTRIBUTION_KEYS: Readonly<AttributionKeys> = Object.freeze({
  team: ['team', 'cost-center', 'owner'],
  project: ['project', 'application'],
  model: ['model', 'model-name'],
});

/** Thrown by `parseAttributionKeys` for a malformed configuration string; the message names the bad part. */
export class AttributionKeysError extends Error {
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = 'AttributionKeysError';
  }
}

/**
 * Resolve team/project/model from raw resource tags: for each dimension the first configured key present
 * (case-insensitive key match) with a non-blank value wins; values are trimmed; nothing found → UNTAGGED.
 */
export const resolveAttribution = (tags: Record<string, string>, keys: AttributionKeys): Attribution => {
  // Index tags by lower-cased key. When two tags differ only by case, the exact-case one is preferred
  // (looked up first), then the lexicographically smallest key, so the result never depends on insertion order.
  const byLower = new Map<string, string[]>();
  for (const k of Object.keys(tags).sort()) {
    const lower = k.toLowerCase();
    byLower.set(lower, [...(byLower.get(lower) ?? []), k]);
  }
  const lookup = (wanted: string): string | undefined => {
    const candidates = [wanted, ...(byLower.get(wanted.trim().toLowerCase()) ?? [])];
    for (const c of candidates) {
      const v = Object.prototype.hasOwnProperty.call(tags, c) ? tags[c] : undefined;
      if (typeof v === 'string' && v.trim() !== '') return v.trim();
    }
    return undefined;
  };
  const resolve = (dim: AttributionDimension): string => {
    for (const key of keys[dim]) {
      const v = lookup(key);
      if (v !== undefined) return v;
    }
    return UNTAGGED;
  };
  return { team: resolve('team'), project: resolve('project'), model: resolve('model') };
};

/**
 * Parse `team=team,owner;project=project;model=model` into AttributionKeys.
 * Dimensions not mentioned keep DEFAULT_ATTRIBUTION_KEYS; an empty string means "all defaults".
 */
export const parseAttributionKeys = (s: string): AttributionKeys => {
  const out: AttributionKeys = {
    team: [...DEFAULT_ATTRIBUTION_KEYS.team],
    project: [...DEFAULT_ATTRIBUTION_KEYS.project],
    model: [...DEFAULT_ATTRIBUTION_KEYS.model],
  };
  const seen = new Set<string>();
  const parts = s.split(';').map((p) => p.trim()).filter((p) => p !== '');
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq < 0) throw new AttributionKeysError(`attribution keys: part "${part}" is not of the form dimension=key1,key2`);
    const dim = part.slice(0, eq).trim().toLowerCase();
    if (!(DIMENSIONS as readonly string[]).includes(dim)) {
      throw new AttributionKeysError(`attribution keys: unknown dimension "${part.slice(0, eq).trim()}" in "${part}" (expected one of ${DIMENSIONS.join(', ')})`);
    }
    if (seen.has(dim)) throw new AttributionKeysError(`attribution keys: dimension "${dim}" given twice (in "${part}")`);
    seen.add(dim);
    const keys = part.slice(eq + 1).split(',').map((k) => k.trim());
    if (keys.length === 0 || keys.some((k) => k === '')) {
      throw new AttributionKeysError(`attribution keys: empty tag key in "${part}"`);
    }
    // AWS tag keys: up to 128 Unicode letters, digits, spaces and _ . : / = + - @ (IAM/Tagging docs).
    const bad = keys.find((k) => k.length > 128 || !/^[\p{L}\p{N}\s_.:/=+\-@]+$/u.test(k));
    if (bad !== undefined) throw new AttributionKeysError(`attribution keys: "${bad}" in "${part}" is not a valid AWS tag key`);
    out[dim as AttributionDimension] = keys;
  }
  return out;
};
