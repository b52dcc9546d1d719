/** The instrument registry on a real DynamoDB API (dynalite) through the real SDK: all-or-nothing replacement. */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoInstrumentStore, InstrumentImportRaceError } from '../../shared/adapters/aws/dynamodb-instrument-store';
import { documentClient } from '../../shared/adapters/aws/dynamodb-helpers';
import { localDynamoClient, startEmbeddedDynamo, type EmbeddedDynamo } from '../../shared/adapters/local/embedded-dynamodb';
import { buildDemoInstruments } from '../../shared/adapters/local/demo-instruments';
import type { Instrument } from '../../shared/domain/market/instrument-types';

let db: EmbeddedDynamo;
beforeAll(async () => {
  db = await startEmbeddedDynamo({ tableName: 'instr-test' });
});
afterAll(() => db.close());

const NOW = Date.UTC(2026, 10, 20) / 1000;
// 31 days of hourly profile (744 h in one month item, plus the next month): the profile is chunked per month.
const longPpa: Instrument = {
  id: 'ppa-long', type: 'ppa', region: 'us-east-1', generationCountry: 'US', technology: 'wind', gCo2ePerKwh: 0,
  hourlyProfile: Array.from({ length: 31 * 24 + 5 }, (_, h) => ({ hour: new Date(Date.UTC(2026, 9, 1) + h * 3600_000).toISOString(), mwh: (h % 7) / 10 })),
};

describe('DynamoInstrumentStore', () => {
  it('has no registry until one is imported', async () => {
    expect(await new DynamoInstrumentStore(db.client, db.tableName).currentRegistry()).toBeUndefined();
  });

  it('imports a registry and reads it back whole, hourly profiles reassembled in time order', async () => {
    const store = new DynamoInstrumentStore(db.client, db.tableName);
    const demo = buildDemoInstruments(NOW);
    const r = await store.importRegistry([...demo, longPpa], { nowSec: NOW, demo: true });
    expect(r).toMatchObject({ instruments: 6, changed: true });
    const cur = await store.currentRegistry();
    expect(cur).toMatchObject({ registryId: r.registryId, importedAtSec: NOW, demo: true });
    const back = new Map(cur!.instruments.map((i) => [i.id, i]));
    expect(back.get('ppa-long')).toEqual(longPpa);
    for (const i of demo) expect(back.get(i.id)).toEqual(i);
  });

  it('re-importing the same content is a no-op (content-addressed registry id)', async () => {
    const store = new DynamoInstrumentStore(db.client, db.tableName);
    const before = await store.currentRegistry();
    const again = await store.importRegistry([longPpa, ...buildDemoInstruments(NOW)], { nowSec: NOW + 60, demo: true });
    expect(again).toEqual({ registryId: before!.registryId, instruments: 6, changed: false });
    expect((await store.currentRegistry())!.importedAtSec).toBe(NOW);
  });

  it('replaces the registry by moving one pointer; a lost race is a retryable error and leaves the other import current', async () => {
    const store = new DynamoInstrumentStore(db.client, db.tableName);
    const one: Instrument[] = [{ id: 'sup', type: 'supplier-rate', region: 'eu-north-1', utility: 'U', year: 2026, gCo2ePerKwh: 10 }];
    await store.importRegistry(one, { nowSec: NOW });
    expect((await store.currentRegistry())!.instruments).toEqual(one);
    // Another writer moves the pointer between our read and our write: a client whose middleware lets a second
    // client write the pointer just before our conditional PutItem on it goes out.
    const doc = documentClient(db.client);
    const racingClient = localDynamoClient(db.endpoint);
    let bumped = false;
    racingClient.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { Item?: { sk?: unknown } }; // not yet marshalled at the initialize step
        if (!bumped && context.commandName === 'PutItemCommand' && input.Item?.sk === 'CURRENT') {
          bumped = true;
          await doc.send(new PutCommand({ TableName: db.tableName, Item: { pk: 'INSTRSET', sk: 'CURRENT', registryId: 'someone-else', version: 99 } }));
        }
        return next(args);
      },
      { step: 'initialize', name: 'raceBeforePointerWrite' },
    );
    const racing = new DynamoInstrumentStore(racingClient, db.tableName);
    await expect(racing.importRegistry([{ ...one[0], gCo2ePerKwh: 11 }], { nowSec: NOW })).rejects.toBeInstanceOf(InstrumentImportRaceError);
    const p = await doc.send(new GetCommand({ TableName: db.tableName, Key: { pk: 'INSTRSET', sk: 'CURRENT' } }));
    expect(p.Item?.registryId).toBe('someone-else');
    racingClient.destroy();
  });
});
