/**
 * A small, pure matcher for the subset of the Amazon EventBridge event-pattern language that CarbonPilot uses.
 * The local bus uses it so that local subscriptions route exactly like the synthesized `AWS::Events::Rule`s.
 *
 * Semantics follow the EventBridge user guide ("Event patterns", "Comparison operators for use in event patterns",
 * "Matching events on null values and empty strings"):
 *  - every key of the pattern must match (AND); the values of a leaf array are alternatives (OR);
 *  - leaves are arrays of exact values (string, number, boolean, null) or one-key operator objects;
 *  - an array-valued event field matches if ANY of its elements matches;
 *  - `null` and `""` are distinct values;
 *  - operators only apply to leaf (scalar) values; an object-valued field has no leaf value (`exists: true` is false);
 *  - `anything-but` and value operators need the field to be present; only `exists: false` matches an absent field;
 *  - `$or` takes a list of sub-patterns at any object level, one of which must match.
 * Not supported (validatePattern throws): `cidr`, `anything-but` lists mixing strings and numbers, unknown operators.
 */

/** EventBridge event pattern (JSON object). Same shape as `EventPattern` in shared/pipeline.ts. */
export type EventPatternObject = Readonly<Record<string, unknown>>;

/** Thrown by validatePattern / matchesPattern for a pattern EventBridge would reject or that we do not implement. */
export class EventPatternError extends Error {
  readonly retryable = false;
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(`Invalid event pattern at ${path || '<root>'}: ${message}`);
    this.name = 'EventPatternError';
  }
}

/** Operators this matcher implements. */
export const SUPPORTED_OPERATORS = [
  'prefix',
  'suffix',
  'anything-but',
  'numeric',
  'exists',
  'equals-ignore-case',
  'wildcard',
] as const;

type Scalar = string | number | boolean | null;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown): v is Scalar =>
  v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

// ---------------------------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------------------------

const NUMERIC_OPS = new Set(['=', '<', '<=', '>', '>=']);

const stringOrIgnoreCase = (v: unknown, path: string, op: string): void => {
  if (typeof v === 'string') return;
  if (isPlainObject(v) && Object.keys(v).length === 1 && typeof v['equals-ignore-case'] === 'string') return;
  throw new EventPatternError(`"${op}" takes a string or { "equals-ignore-case": string }`, path);
};

const validateWildcard = (v: unknown, path: string): void => {
  if (typeof v !== 'string') throw new EventPatternError('"wildcard" takes a string', path);
  // EventBridge rejects consecutive wildcards ("**").
  if (v.includes('**')) throw new EventPatternError('"wildcard" must not contain consecutive "*"', path);
};

const validateAnythingBut = (v: unknown, path: string): void => {
  if (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) return;
  if (Array.isArray(v)) {
    if (v.length === 0) throw new EventPatternError('"anything-but" list must not be empty', path);
    const allStrings = v.every((x) => typeof x === 'string');
    const allNumbers = v.every((x) => typeof x === 'number' && Number.isFinite(x));
    if (!allStrings && !allNumbers) {
      throw new EventPatternError('"anything-but" list must hold only strings or only numbers', path);
    }
    return;
  }
  if (isPlainObject(v)) {
    const keys = Object.keys(v);
    if (keys.length !== 1) throw new EventPatternError('"anything-but" object takes exactly one operator', path);
    const [k] = keys;
    const x = v[k];
    if ((k === 'prefix' || k === 'suffix') && typeof x === 'string') return;
    if (k === 'equals-ignore-case' && (typeof x === 'string' || (Array.isArray(x) && x.length > 0 && x.every((s) => typeof s === 'string')))) return;
    if (k === 'wildcard') return validateWildcard(x, `${path}.${k}`);
    throw new EventPatternError(`unsupported "anything-but" operand {"${k}": ${JSON.stringify(x)}}`, path);
  }
  throw new EventPatternError(`unsupported "anything-but" operand ${JSON.stringify(v)}`, path);
};

const validateNumeric = (v: unknown, path: string): void => {
  if (!Array.isArray(v) || (v.length !== 2 && v.length !== 4)) {
    throw new EventPatternError('"numeric" takes [op, number] or [op, number, op, number]', path);
  }
  for (let i = 0; i < v.length; i += 2) {
    if (typeof v[i] !== 'string' || !NUMERIC_OPS.has(v[i] as string)) {
      throw new EventPatternError(`unknown numeric operator ${JSON.stringify(v[i])}`, path);
    }
    if (typeof v[i + 1] !== 'number' || !Number.isFinite(v[i + 1])) {
      throw new EventPatternError(`numeric operand must be a finite number, got ${JSON.stringify(v[i + 1])}`, path);
    }
  }
  if (v.length === 4) {
    // A range is a lower bound followed by an upper bound, as in the EventBridge examples [">", 0, "<=", 5].
    if (!(v[0] === '>' || v[0] === '>=') || !(v[2] === '<' || v[2] === '<=')) {
      throw new EventPatternError('a numeric range must be [">"|">=", low, "<"|"<=", high]', path);
    }
  }
};

const validateCondition = (c: unknown, path: string): void => {
  if (isScalar(c)) return;
  if (!isPlainObject(c)) throw new EventPatternError(`leaf values must be scalars or operator objects, got ${JSON.stringify(c)}`, path);
  const keys = Object.keys(c);
  if (keys.length !== 1) throw new EventPatternError(`an operator object takes exactly one operator, got ${JSON.stringify(keys)}`, path);
  const [op] = keys;
  const v = c[op];
  const p = `${path}.${op}`;
  switch (op) {
    case 'prefix':
    case 'suffix':
      return stringOrIgnoreCase(v, p, op);
    case 'equals-ignore-case':
      if (typeof v !== 'string') throw new EventPatternError('"equals-ignore-case" takes a string', p);
      return;
    case 'anything-but':
      return validateAnythingBut(v, p);
    case 'numeric':
      return validateNumeric(v, p);
    case 'exists':
      if (typeof v !== 'boolean') throw new EventPatternError('"exists" takes true or false', p);
      return;
    case 'wildcard':
      return validateWildcard(v, p);
    default:
      throw new EventPatternError(`unsupported operator "${op}" (supported: ${SUPPORTED_OPERATORS.join(', ')})`, p);
  }
};

const validateObject = (p: unknown, path: string): void => {
  if (!isPlainObject(p)) throw new EventPatternError('a pattern must be a JSON object', path);
  for (const [key, value] of Object.entries(p)) {
    const kp = path ? `${path}.${key}` : key;
    if (key === '$or') {
      if (!Array.isArray(value) || value.length === 0) throw new EventPatternError('"$or" takes a non-empty list of patterns', kp);
      value.forEach((sub, i) => validateObject(sub, `${kp}[${i}]`));
    } else if (Array.isArray(value)) {
      if (value.length === 0) throw new EventPatternError('a leaf array must not be empty', kp);
      value.forEach((c, i) => validateCondition(c, `${kp}[${i}]`));
    } else if (isPlainObject(value)) {
      validateObject(value, kp);
    } else {
      // EventBridge rejects scalars as pattern values: they must be wrapped in an array.
      throw new EventPatternError(`values must be arrays or nested objects, got ${JSON.stringify(value)}`, kp);
    }
  }
};

/** Throws EventPatternError naming the offending path when `p` is not a pattern this matcher supports. */
export const validatePattern = (p: unknown): void => validateObject(p, '');

// ---------------------------------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------------------------------

/** Leaf values of an event field: scalars, with arrays flattened; objects contribute none. */
const leafValues = (v: unknown): Scalar[] => {
  if (v === undefined) return [];
  if (Array.isArray(v)) return v.flatMap(leafValues);
  if (isScalar(v)) return [v];
  return [];
};

const wildcardCache = new Map<string, RegExp>();
const wildcardRegex = (w: string): RegExp => {
  let re = wildcardCache.get(w);
  if (!re) {
    re = new RegExp(`^${w.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*')}$`);
    wildcardCache.set(w, re);
  }
  return re;
};

const lower = (s: string): string => s.toLowerCase();

const matchPrefixSuffix = (operand: unknown, v: Scalar, kind: 'prefix' | 'suffix'): boolean => {
  if (typeof v !== 'string') return false;
  const ignoreCase = isPlainObject(operand);
  const needle = ignoreCase ? lower(String(operand['equals-ignore-case'])) : String(operand);
  const hay = ignoreCase ? lower(v) : v;
  return kind === 'prefix' ? hay.startsWith(needle) : hay.endsWith(needle);
};

/** True when `v` is excluded by an anything-but operand. */
const excludedBy = (operand: unknown, v: Scalar): boolean => {
  if (Array.isArray(operand)) return operand.some((x) => x === v);
  if (isPlainObject(operand)) {
    const [k] = Object.keys(operand);
    const x = operand[k];
    if (typeof v !== 'string') return false;
    if (k === 'prefix') return v.startsWith(String(x));
    if (k === 'suffix') return v.endsWith(String(x));
    if (k === 'equals-ignore-case') return (Array.isArray(x) ? x : [x]).some((s) => lower(String(s)) === lower(v));
    if (k === 'wildcard') return wildcardRegex(String(x)).test(v);
    return false;
  }
  return operand === v;
};

const compare = (v: number, op: string, n: number): boolean => {
  switch (op) {
    case '=':
      return v === n;
    case '<':
      return v < n;
    case '<=':
      return v <= n;
    case '>':
      return v > n;
    default:
      return v >= n;
  }
};

const matchCondition = (c: unknown, values: Scalar[]): boolean => {
  if (isScalar(c)) return values.some((v) => v === c);
  const cond = c as Record<string, unknown>;
  const [op] = Object.keys(cond);
  const operand = cond[op];
  switch (op) {
    case 'exists':
      return operand === values.length > 0;
    case 'prefix':
    case 'suffix':
      return values.some((v) => matchPrefixSuffix(operand, v, op));
    case 'equals-ignore-case':
      return values.some((v) => typeof v === 'string' && lower(v) === lower(String(operand)));
    case 'anything-but':
      return values.some((v) => !excludedBy(operand, v));
    case 'numeric': {
      const ops = operand as (string | number)[];
      return values.some((v) => {
        if (typeof v !== 'number') return false;
        for (let i = 0; i < ops.length; i += 2) if (!compare(v, ops[i] as string, ops[i + 1] as number)) return false;
        return true;
      });
    }
    case 'wildcard':
      return values.some((v) => typeof v === 'string' && wildcardRegex(String(operand)).test(v));
    default:
      throw new EventPatternError(`unsupported operator "${op}"`, '');
  }
};

const matchObject = (pattern: Record<string, unknown>, event: unknown): boolean => {
  for (const [key, p] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!(p as unknown[]).some((sub) => matchObject(sub as Record<string, unknown>, event))) return false;
      continue;
    }
    const field = isPlainObject(event) ? event[key] : undefined;
    if (Array.isArray(p)) {
      const values = leafValues(field);
      if (!p.some((c) => matchCondition(c, values))) return false;
    } else {
      const nested = p as Record<string, unknown>;
      // Arrays of objects: one element has to satisfy the whole nested pattern (EventBridge "array consistency").
      const candidates = Array.isArray(field) ? field.filter(isPlainObject) : [field];
      if (candidates.length === 0) candidates.push(undefined);
      if (!candidates.some((c) => matchObject(nested, c))) return false;
    }
  }
  return true;
};

const validated = new WeakSet<object>();

/** True when `event` matches the EventBridge `pattern`; throws EventPatternError for an invalid or unsupported pattern. */
export const matchesPattern = (pattern: EventPatternObject, event: unknown): boolean => {
  if (!validated.has(pattern)) {
    validatePattern(pattern);
    validated.add(pattern);
  }
  return matchObject(pattern as Record<string, unknown>, event);
};
