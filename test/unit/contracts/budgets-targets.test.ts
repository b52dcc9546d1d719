/** Bad budget and target definitions are rejected naming the field (HTTP 400 / CLI exit 2); good ones get defaults. */
import { parseBudgetDefinition, DefinitionError } from '../../../shared/contracts/budgets';
import { parseTargetDefinition } from '../../../shared/contracts/targets';

const good = { id: 'nlp-monthly', scope: { dimension: 'team', value: 'nlp' }, period: 'month', limitKgCo2e: 500 };
const fieldsOf = (f: () => unknown): string[] => {
  try {
    f();
  } catch (e) {
    if (e instanceof DefinitionError) return e.fields.map((x) => x.field);
    throw e;
  }
  throw new Error('expected a DefinitionError');
};

describe('budget definition contract', () => {
  it('applies the defaults: location-based, operational only, advisory, no notifications', () => {
    expect(parseBudgetDefinition(good)).toEqual({ ...good, basis: 'location-based', includeEmbodied: false, mode: 'advisory', notifications: [] });
  });

  it.each([
    ['no limit', { ...good, limitKgCo2e: undefined }, 'limitKgCo2e'],
    ['a zero limit', { ...good, limitKgCo2e: 0 }, 'limitKgCo2e'],
    ['an unknown dimension', { ...good, scope: { dimension: 'colour', value: 'blue' } }, 'scope.dimension'],
    ['a team budget without a team', { ...good, scope: { dimension: 'team' } }, 'scope.value'],
    ['an account budget with a value', { ...good, scope: { dimension: 'account', value: 'x' } }, 'scope.value'],
    ['an unknown kind', { ...good, scope: { dimension: 'kind', value: 'lambda' } }, 'scope.value'],
    ['a threshold over 1,000 %', { ...good, notifications: [{ type: 'ACTUAL', threshold: 1001 }] }, 'notifications.0.threshold'],
    ['an absolute threshold over 10 × the limit', { ...good, notifications: [{ type: 'ACTUAL', threshold: 5001, thresholdType: 'ABSOLUTE_VALUE' }] }, 'notifications.0.threshold'],
    ['an unknown notification type', { ...good, notifications: [{ type: 'PREDICTED', threshold: 80 }] }, 'notifications.0.type'],
    ['11 notifications', { ...good, notifications: Array.from({ length: 11 }, (_, i) => ({ type: 'ACTUAL', threshold: i + 1 })) }, 'notifications'],
    ['an unknown field', { ...good, limitKg: 5 }, 'limitKg'],
    ['an unknown nested field', { ...good, scope: { dimension: 'team', value: 'nlp', colour: 'x' } }, 'scope.colour'],
    ['a bad id', { ...good, id: 'Nlp Monthly' }, 'id'],
    ['an unknown period', { ...good, period: 'week' }, 'period'],
  ])('rejects %s naming %s', (_what, value, field) => {
    expect(fieldsOf(() => parseBudgetDefinition(value))).toContain(field);
  });

  it('accepts exactly 1,000 % and 10 notifications (the AWS Budgets maximum)', () => {
    const ten = Array.from({ length: 10 }, (_, i) => ({ type: 'FORECASTED', threshold: 100 * (i + 1) }));
    expect(parseBudgetDefinition({ ...good, notifications: ten }).notifications).toHaveLength(10);
  });
});

describe('target definition contract', () => {
  const target = { id: 'halve', metric: 'total-emissions', baseYear: 2025, targetYear: 2035, targetReductionPct: 50 };
  it('derives the method and comparator from the metric and scopes total emissions to the account', () => {
    expect(parseTargetDefinition(target)).toMatchObject({ method: 'absolute-contraction', comparator: 'at-most', scope: { dimension: 'account' }, basis: 'location-based' });
  });

  it.each([
    ['a target year before its base year', { ...target, targetYear: 2024 }, 'targetYear'],
    ['a target year equal to its base year', { ...target, targetYear: 2025 }, 'targetYear'],
    ['a base year before 2015', { ...target, baseYear: 2010 }, 'baseYear'],
    ['a method that does not fit the metric', { ...target, method: 'intensity' }, 'method'],
    ['both a rate and a total reduction', { ...target, annualReductionPct: 4.2 }, 'targetReductionPct'],
    ['an intensity target without a value', { id: 'i', metric: 'inference-intensity', baseYear: 2025, targetYear: 2030 }, 'targetValue'],
    ['a base on another basis (never mixed)', { ...target, base: { value: 100, basis: 'market-based' } }, 'base.basis'],
    ['an unknown metric', { ...target, metric: 'water' }, 'metric'],
    ['an unknown field', { ...target, deadline: 2030 }, 'deadline'],
  ])('rejects %s naming %s', (_what, value, field) => {
    expect(fieldsOf(() => parseTargetDefinition(value))).toContain(field);
  });
});
