import fc from 'fast-check';
import {
  AttributionKeysError,
  DEFAULT_ATTRIBUTION_KEYS,
  parseAttributionKeys,
  resolveAttribution,
  type AttributionKeys,
} from '../../../shared/domain/attribution';
import { UNTAGGED } from '../../../shared/domain/types';

const keys: AttributionKeys = { team: ['team', 'cost-center'], project: ['project'], model: ['model', 'model-name'] };

describe('resolveAttribution', () => {
  it.each([
    ['exact keys', { team: 'nlp', project: 'chat', model: 'llama-3' }, { team: 'nlp', project: 'chat', model: 'llama-3' }],
    ['case-insensitive key match', { Team: 'nlp', PROJECT: 'chat', Model: 'bert' }, { team: 'nlp', project: 'chat', model: 'bert' }],
    ['values are trimmed', { team: '  nlp ', project: '\tchat\n' }, { team: 'nlp', project: 'chat', model: UNTAGGED }],
    ['first configured key wins', { 'cost-center': 'cc-42', team: 'nlp' }, { team: 'nlp', project: UNTAGGED, model: UNTAGGED }],
    ['falls back to the next key', { 'cost-center': 'cc-42' }, { team: 'cc-42', project: UNTAGGED, model: UNTAGGED }],
    ['blank value falls through to the next key', { team: '   ', 'cost-center': 'cc-42' }, { team: 'cc-42', project: UNTAGGED, model: UNTAGGED }],
    ['nothing tagged', {}, { team: UNTAGGED, project: UNTAGGED, model: UNTAGGED }],
  ])('%s', (_name, tags, expected) => {
    expect(resolveAttribution(tags as Record<string, string>, keys)).toEqual(expected);
  });

  it('prefers the exact-case tag when two tags differ only by case, whatever the insertion order', () => {
    expect(resolveAttribution({ TEAM: 'b', team: 'a' }, keys).team).toBe('a');
    expect(resolveAttribution({ team: 'a', TEAM: 'b' }, keys).team).toBe('a');
  });

  it('never returns an empty string and is independent of tag insertion order (property)', () => {
    const tagKey = fc.constantFrom('team', 'Team', 'project', 'model', 'model-name', 'cost-center', 'other');
    fc.assert(
      fc.property(fc.array(fc.tuple(tagKey, fc.string({ maxLength: 6 })), { maxLength: 8 }), (pairs) => {
        const a = Object.fromEntries(pairs);
        const b = Object.fromEntries(Object.entries(a).reverse());
        const ra = resolveAttribution(a, DEFAULT_ATTRIBUTION_KEYS);
        expect(ra).toEqual(resolveAttribution(b, DEFAULT_ATTRIBUTION_KEYS));
        for (const v of Object.values(ra)) expect(v.trim()).not.toBe('');
      }),
    );
  });
});

describe('parseAttributionKeys', () => {
  it('parses every dimension with several keys', () => {
    expect(parseAttributionKeys('team=team,owner;project=project;model=model')).toEqual({
      team: ['team', 'owner'],
      project: ['project'],
      model: ['model'],
    });
  });

  it('keeps defaults for dimensions not mentioned, and tolerates spaces and trailing separators', () => {
    expect(parseAttributionKeys(' team = squad , owner ; ')).toEqual({
      team: ['squad', 'owner'],
      project: [...DEFAULT_ATTRIBUTION_KEYS.project],
      model: [...DEFAULT_ATTRIBUTION_KEYS.model],
    });
    expect(parseAttributionKeys('')).toEqual({ ...DEFAULT_ATTRIBUTION_KEYS });
  });

  it.each([
    ['team', /"team" is not of the form/],
    ['owner=alice', /unknown dimension "owner"/],
    ['team=a;team=b', /"team" given twice/],
    ['team=a,,b', /empty tag key in "team=a,,b"/],
    ['model=', /empty tag key in "model="/],
    ['project=bad!key', /"bad!key" .* not a valid AWS tag key/],
  ])('rejects %p naming the bad part', (input, message) => {
    expect(() => parseAttributionKeys(input)).toThrow(AttributionKeysError);
    expect(() => parseAttributionKeys(input)).toThrow(message);
  });
});
