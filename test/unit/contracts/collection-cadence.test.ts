/** The collection cadence setting: validated once, applied to the one pipeline definition both runtimes read. */
import { COLLECTION_CADENCES_H, loadConfig, parseCollectionCadenceHours } from '../../../shared/contracts/config';
import { LocalBus } from '../../../shared/adapters/local/local-bus';
import { collectionSchedule, PIPELINE, withCollectionCadence } from '../../../shared/pipeline';

describe('collection cadence (COLLECT_EVERY_HOURS / CDK context collectionCadenceHours)', () => {
  it('is hourly by default, as the pipeline definition', () => {
    expect(loadConfig({}).collectEveryHours).toBe(1);
    const trigger = PIPELINE.find((f) => f.id === 'collect-dispatch')!.triggers.find((t) => t.type === 'schedule');
    expect(trigger).toEqual(expect.objectContaining({ id: 'HourlyCollection', expression: collectionSchedule(1) }));
  });

  it.each(COLLECTION_CADENCES_H.map((h) => [h]))('accepts %i h (a divisor of 24)', (h) => {
    expect(loadConfig({ COLLECT_EVERY_HOURS: String(h) }).collectEveryHours).toBe(h);
    expect(parseCollectionCadenceHours(String(h), 'x')).toBe(h);
  });

  it.each([['5'], ['0'], ['1.5'], ['48'], ['six']])('rejects %j naming the setting', (v) => {
    expect(() => loadConfig({ COLLECT_EVERY_HOURS: v })).toThrow(/COLLECT_EVERY_HOURS: must be one of 1, 2, 3, 4, 6, 8, 12, 24/);
    expect(() => parseCollectionCadenceHours(v, 'collectionCadenceHours (CDK context)')).toThrow(/collectionCadenceHours \(CDK context\)/);
  });

  it('requires one run to be able to catch up a whole cadence', () => {
    expect(() => loadConfig({ COLLECT_EVERY_HOURS: '24', MAX_CATCH_UP_SEC: '43200' })).toThrow(/MAX_CATCH_UP_SEC: must be at least .* 86400/);
    expect(loadConfig({ COLLECT_EVERY_HOURS: '24', MAX_CATCH_UP_SEC: '86400' }).maxCatchUpSec).toBe(86400);
  });

  it('changes only collect-dispatch\'s schedule, keeping the trigger id', () => {
    const six = withCollectionCadence(PIPELINE, 6);
    const changed = six.filter((f, i) => JSON.stringify(f) !== JSON.stringify(PIPELINE[i]));
    expect(changed.map((f) => f.id)).toEqual(['collect-dispatch']);
    expect(changed[0].triggers).toEqual([{ type: 'schedule', id: 'HourlyCollection', expression: 'rate(6 hours)' }]);
    expect(withCollectionCadence(PIPELINE, 1)).toEqual(PIPELINE);
  });

  it('fires collect-dispatch on the local bus at the cadence (every 6 h over half a day: 0, 6, 12 h)', async () => {
    const fired: string[] = [];
    const bus = new LocalBus(withCollectionCadence(PIPELINE, 6), async (fn, ev) => void fired.push(`${fn}@${ev.time}`));
    bus.fireSchedulesUpTo(12 * 3600, 0);
    await bus.drain();
    expect(fired.filter((f) => f.startsWith('collect-dispatch'))).toEqual(['collect-dispatch@1970-01-01T00:00:00Z', 'collect-dispatch@1970-01-01T06:00:00Z', 'collect-dispatch@1970-01-01T12:00:00Z']);
  });
});
