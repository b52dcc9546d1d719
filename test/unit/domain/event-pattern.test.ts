import fc from 'fast-check';
import { EventPatternError, matchesPattern, validatePattern } from '../../../shared/domain/event-pattern';

/**
 * Golden table: patterns and events from the Amazon EventBridge user guide
 * ("Content filtering in Amazon EventBridge event patterns", "Comparison operators for use in event patterns",
 * "Matching events on null values and empty strings", "Arrays in EventBridge event patterns"), with the
 * documented outcome.
 */

const ec2Event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

// Event used by the content-filtering examples (numeric, anything-but, exists).
const contentEvent = {
  version: '0',
  id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
  'detail-type': 'EC2 Instance Launch Successful',
  source: 'aws.autoscaling',
  account: '123456789012',
  time: '2017-10-02T18:43:48Z',
  region: 'us-east-1',
  resources: [],
  detail: { state: 'initializing', 'c-count': 5, 'd-count': 7, 'x-limit': 301.8, FileName: 'image.PNG', service: 'EventBridge' },
};

const nullEvent = {
  version: '0',
  'detail-type': 'EC2 Instance Launch Successful',
  source: 'aws.autoscaling',
  resources: [],
  detail: { eventVersion: '', responseElements: null },
};

const arrayEvent = {
  source: 'aws.ec2',
  resources: [
    'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
    'arn:aws:ec2:us-east-1:111122223333:image/ami-0b983a96',
    'arn:aws:ec2:us-east-1:444455556666:subnet/subnet-21b74056',
  ],
  detail: { tags: ['prod', 'gpu'], hosts: [{ name: 'algo-1', gpus: 8 }, { name: 'algo-2', gpus: 4 }] },
};

type Row = [string, Record<string, unknown>, unknown, boolean];

const golden: Row[] = [
  // exact values, AND across keys, OR within arrays
  ['exact source + detail-type + nested state', { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: ['terminated'] } }, ec2Event, true],
  ['exact value list is OR', { detail: { state: ['running', 'terminated'] } }, ec2Event, true],
  ['exact mismatch', { detail: { state: ['running'] } }, ec2Event, false],
  ['AND: one key failing fails the pattern', { source: ['aws.ec2'], region: ['eu-west-1'] }, ec2Event, false],
  ['matching is case-sensitive', { source: ['AWS.EC2'] }, ec2Event, false],
  ['missing field does not match an exact value', { detail: { reason: ['x'] } }, ec2Event, false],
  // arrays in events
  ['array field: any element matches', { resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f', 'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f'] }, arrayEvent, true],
  ['array field: no element matches', { resources: ['arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f'] }, arrayEvent, false],
  ['array of objects: one element must satisfy the nested pattern', { detail: { hosts: { name: ['algo-2'], gpus: [4] } } }, arrayEvent, true],
  ['array of objects: fields from different elements do not combine', { detail: { hosts: { name: ['algo-2'], gpus: [8] } } }, arrayEvent, false],
  // null and empty string
  ['empty string matches ""', { detail: { eventVersion: [''] } }, nullEvent, true],
  ['null matches null', { detail: { responseElements: [null] } }, nullEvent, true],
  ['"" does not match null', { detail: { responseElements: [''] } }, nullEvent, false],
  ['null does not match ""', { detail: { eventVersion: [null] } }, nullEvent, false],
  // prefix / suffix
  ['prefix', { time: [{ prefix: '2017-10-02' }] }, contentEvent, true],
  ['prefix mismatch', { time: [{ prefix: '2017-10-03' }] }, contentEvent, false],
  ['prefix ignore case', { detail: { service: [{ prefix: { 'equals-ignore-case': 'eventb' } }] } }, contentEvent, true],
  ['suffix is case-sensitive', { detail: { FileName: [{ suffix: '.png' }] } }, contentEvent, false],
  ['suffix ignore case', { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } }, contentEvent, true],
  ['prefix never matches a number', { detail: { 'c-count': [{ prefix: '5' }] } }, contentEvent, false],
  // equals-ignore-case
  ['equals-ignore-case', { detail: { state: [{ 'equals-ignore-case': 'INITIALIZING' }] } }, contentEvent, true],
  ['equals-ignore-case is still equality', { detail: { state: [{ 'equals-ignore-case': 'INIT' }] } }, contentEvent, false],
  // anything-but
  ['anything-but string excludes the value', { detail: { state: [{ 'anything-but': 'initializing' }] } }, contentEvent, false],
  ['anything-but string admits other values', { detail: { state: [{ 'anything-but': 'stopped' }] } }, contentEvent, true],
  ['anything-but number', { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, contentEvent, true],
  ['anything-but string list', { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, contentEvent, true],
  ['anything-but string list containing the value', { detail: { state: [{ 'anything-but': ['initializing', 'stopped'] }] } }, contentEvent, false],
  ['anything-but number list', { detail: { 'c-count': [{ 'anything-but': [100, 200, 300] }] } }, contentEvent, true],
  ['anything-but prefix', { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, contentEvent, false],
  ['anything-but suffix', { detail: { FileName: [{ 'anything-but': { suffix: '.txt' } }] } }, contentEvent, true],
  ['anything-but ignore case', { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'INITIALIZING'] } }] } }, contentEvent, false],
  ['anything-but wildcard', { detail: { FileName: [{ 'anything-but': { wildcard: '*/lib/*' } }] } }, contentEvent, true],
  ['anything-but needs the field to exist', { detail: { reason: [{ 'anything-but': 'x' }] } }, contentEvent, false],
  ['anything-but on an array: any other element matches', { detail: { tags: [{ 'anything-but': 'prod' }] } }, arrayEvent, true],
  // numeric
  ['numeric range, upper bound, equality (docs example)', { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }], 'd-count': [{ numeric: ['<', 10] }], 'x-limit': [{ numeric: ['=', 3.018e2] }] } }, contentEvent, true],
  ['numeric open bound excludes the bound', { detail: { 'c-count': [{ numeric: ['>', 0, '<', 5] }] } }, contentEvent, false],
  ['numeric never matches a string', { detail: { state: [{ numeric: ['>', 0] }] } }, contentEvent, false],
  ['numeric exact value compares numerically', { detail: { 'x-limit': [301.8] } }, contentEvent, true],
  ['string "5" is not number 5', { detail: { 'c-count': ['5'] } }, contentEvent, false],
  // exists
  ['exists true on a present field', { detail: { state: [{ exists: true }] } }, contentEvent, true],
  ['exists true on an absent field', { detail: { reason: [{ exists: true }] } }, contentEvent, false],
  ['exists false on an absent field', { detail: { reason: [{ exists: false }] } }, contentEvent, true],
  ['exists false on a present field', { detail: { 'c-count': [{ exists: false }] } }, contentEvent, false],
  ['exists false when the parent object is absent', { missing: { reason: [{ exists: false }] } }, contentEvent, true],
  ['exists true on an intermediate (object) node does not match', { detail: [{ exists: true }] }, contentEvent, false],
  ['exists true on a null value (field present)', { detail: { responseElements: [{ exists: true }] } }, nullEvent, true],
  // $or
  ['$or: one branch matches', { source: ['aws.autoscaling'], $or: [{ detail: { 'c-count': [{ numeric: ['>', 10] }] } }, { detail: { 'd-count': [{ numeric: ['<', 10] }] } }] }, contentEvent, true],
  ['$or: no branch matches', { $or: [{ detail: { 'c-count': [{ numeric: ['>', 10] }] } }, { detail: { state: ['stopped'] } }] }, contentEvent, false],
  ['$or nested inside detail', { detail: { $or: [{ state: ['stopped'] }, { FileName: [{ suffix: '.PNG' }] }] } }, contentEvent, true],
  ['$or does not bypass the sibling keys', { source: ['aws.ec2'], $or: [{ detail: { state: ['initializing'] } }, { region: ['us-east-1'] }] }, contentEvent, false],
  // wildcard
  ['wildcard', { detail: { FileName: [{ wildcard: 'image.*' }] } }, contentEvent, true],
  ['wildcard is anchored', { detail: { FileName: [{ wildcard: 'mage.*' }] } }, contentEvent, false],
  // mixed alternatives
  ['alternatives mix values and operators', { detail: { state: ['stopped', { prefix: 'init' }] } }, contentEvent, true],
  // non-object events
  ['non-object event matches nothing but exists:false', { source: ['aws.ec2'] }, 'not an event', false],
];

describe('matchesPattern (EventBridge documentation golden table)', () => {
  it.each(golden)('%s', (_name, pattern, event, expected) => {
    // Act / Assess
    expect(matchesPattern(pattern, event)).toBe(expected);
  });
});

describe('validatePattern', () => {
  it.each<[string, unknown]>([
    ['scalar value not wrapped in an array', { source: 'aws.ec2' }],
    ['empty leaf array', { source: [] }],
    ['unknown operator', { source: [{ contains: 'ec2' }] }],
    ['cidr is not implemented', { detail: { ip: [{ cidr: '10.0.0.0/24' }] } }],
    ['two operators in one object', { source: [{ prefix: 'a', suffix: 'b' }] }],
    ['numeric with an unknown comparison', { n: [{ numeric: ['!=', 1] }] }],
    ['numeric range in the wrong order', { n: [{ numeric: ['<', 10, '>', 0] }] }],
    ['numeric operand that is not a number', { n: [{ numeric: ['>', '1'] }] }],
    ['exists that is not boolean', { n: [{ exists: 'yes' }] }],
    ['anything-but mixing strings and numbers', { n: [{ 'anything-but': ['a', 1] }] }],
    ['anything-but with an unknown operand', { n: [{ 'anything-but': { numeric: ['>', 1] } }] }],
    ['$or that is not a list', { $or: { a: ['b'] } }],
    ['pattern that is not an object', ['source']],
    ['wildcard with consecutive stars', { f: [{ wildcard: 'a**b' }] }],
  ])('rejects %s with an EventPatternError', (_name, pattern) => {
    expect(() => validatePattern(pattern)).toThrow(EventPatternError);
  });

  it('names the offending path and the supported operators', () => {
    expect(() => validatePattern({ detail: { ip: [{ cidr: '10.0.0.0/24' }] } })).toThrow(/detail\.ip\[0\]\.cidr.*supported: prefix/);
  });

  it('accepts every operator the matcher implements', () => {
    for (const [, pattern] of golden) expect(() => validatePattern(pattern)).not.toThrow();
  });

  it('matchesPattern refuses an unsupported pattern instead of silently not matching', () => {
    expect(() => matchesPattern({ source: [{ cidr: '10.0.0.0/8' }] }, ec2Event)).toThrow(EventPatternError);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------------------------

const key = fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/);
const scalar = fc.oneof(fc.string({ maxLength: 8 }), fc.integer({ min: -1000, max: 1000 }), fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), fc.boolean(), fc.constant(null));
const { event: eventArb } = fc.letrec((tie) => ({
  event: fc.dictionary(key, tie('value'), { minKeys: 1, maxKeys: 4 }),
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(scalar, { minLength: 1, maxLength: 3 }), tie('event')),
}));

type Json = unknown;
/** Pattern from an event's own leaf values; `pick` chooses keys and elements deterministically from a seed list. */
const patternFromLeaves = (ev: Record<string, Json>, pick: number[]): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  let i = 0;
  for (const [k, v] of Object.entries(ev)) {
    const choice = pick[i++ % pick.length];
    if (choice % 3 === 0 && Object.keys(out).length > 0) continue; // drop some keys (a pattern may be a subset)
    if (Array.isArray(v)) out[k] = [v[choice % v.length]];
    else if (v !== null && typeof v === 'object') out[k] = patternFromLeaves(v as Record<string, Json>, pick.slice(1).concat(choice));
    else out[k] = [v];
  }
  return out;
};

const firstScalarPath = (ev: Record<string, Json>): [string[], Json] | undefined => {
  for (const [k, v] of Object.entries(ev)) {
    if (v === null || typeof v !== 'object') return [[k], v];
    if (!Array.isArray(v)) {
      const sub = firstScalarPath(v as Record<string, Json>);
      if (sub) return [[k, ...sub[0]], sub[1]];
    }
  }
  return undefined;
};
const nest = (path: string[], leaf: unknown): Record<string, unknown> =>
  path.reduceRight<unknown>((acc, k) => ({ [k]: acc }), leaf) as Record<string, unknown>;

describe('matchesPattern properties', () => {
  it('an event always matches a pattern built from its own leaf values', () => {
    fc.assert(
      fc.property(eventArb, fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), (ev, pick) => {
        const pattern = patternFromLeaves(ev as Record<string, Json>, pick);
        expect(matchesPattern(pattern, ev)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('exists:true and exists:false are complements on every scalar path', () => {
    fc.assert(
      fc.property(eventArb, key, (ev, extra) => {
        const found = firstScalarPath(ev as Record<string, Json>);
        const path = found ? found[0] : [extra];
        const t = matchesPattern(nest(path, [{ exists: true }]), ev);
        const f = matchesPattern(nest(path, [{ exists: false }]), ev);
        expect(t).toBe(!f);
        if (found) expect(t).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('anything-but a scalar value never matches that value, and an exact pattern with a different value never matches', () => {
    fc.assert(
      fc.property(eventArb, (ev) => {
        const found = firstScalarPath(ev as Record<string, Json>);
        fc.pre(found !== undefined && (typeof found[1] === 'string' || typeof found[1] === 'number'));
        const [path, v] = found!;
        expect(matchesPattern(nest(path, [{ 'anything-but': v }]), ev)).toBe(false);
        const other = typeof v === 'string' ? `${v}x` : (v as number) + 1;
        expect(matchesPattern(nest(path, [other]), ev)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('every prefix and suffix of a string value matches; numeric = matches a number value', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.nat(), fc.double({ noNaN: true, noDefaultInfinity: true }), (s, cut, n) => {
        const at = s.length === 0 ? 0 : cut % (s.length + 1);
        const ev = { detail: { s, n } };
        expect(matchesPattern({ detail: { s: [{ prefix: s.slice(0, at) }] } }, ev)).toBe(true);
        expect(matchesPattern({ detail: { s: [{ suffix: s.slice(at) }] } }, ev)).toBe(true);
        expect(matchesPattern({ detail: { n: [{ numeric: ['=', n] }] } }, ev)).toBe(true);
        expect(matchesPattern({ detail: { n: [{ numeric: ['>', n] }] } }, ev)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('$or of a matching and a non-matching pattern matches; the AND of both does not', () => {
    fc.assert(
      fc.property(eventArb, fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), (ev, pick) => {
        const yes = patternFromLeaves(ev as Record<string, Json>, pick);
        const no = { 'no-such-field': [{ exists: true }] };
        expect(matchesPattern({ $or: [no, yes] }, ev)).toBe(true);
        expect(matchesPattern({ ...yes, ...no }, ev)).toBe(false);
      }),
      { numRuns: 100 },
    );
  });
});
