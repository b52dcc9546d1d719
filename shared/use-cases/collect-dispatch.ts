/** Use case: fan out collection requests for every active resource, in batches (one event per batch). */
import type { EventPublisher, FootprintStore } from '../ports';
import { DetailTypes, EVENT_SOURCE } from '../pipeline';
import { resourceKey } from '../domain/types';

export const makeCollectDispatch = (d: { store: FootprintStore; publisher: EventPublisher; batchSize: number }) =>
  async (): Promise<{ resources: number; batches: number }> => {
    const keys = (await d.store.listResources()).map(resourceKey).sort();
    const entries = [];
    for (let i = 0; i < keys.length; i += d.batchSize) {
      entries.push({ source: EVENT_SOURCE, detailType: DetailTypes.collectionRequested, detail: { resourceKeys: keys.slice(i, i + d.batchSize) } });
    }
    // PutEvents takes at most 10 entries per call.
    for (let i = 0; i < entries.length; i += 10) await d.publisher.publish(entries.slice(i, i + 10));
    return { resources: keys.length, batches: entries.length };
  };
