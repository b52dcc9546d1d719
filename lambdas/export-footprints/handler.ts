/** Exports the days new intervals touched to S3 as partitioned JSON lines (EventBridge: Footprint Intervals Written). */
import middy from '@middy/core';
import { BACKSTOP_DAYS, EventBridgeEnvelope, IntervalsWritten, parseOrThrow } from '../../shared/contracts/events';
import { recentDays } from '../../shared/domain/time';
import type { AppDeps } from '../../shared/composition/deps';
import { awsDeps } from '../../shared/composition/aws';
import { makeExportFootprints, type ObjectWriter } from '../../shared/use-cases/export-footprints';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ObjectWriter } from '../../shared/adapters/aws/s3-object-writer';
import { FsObjectWriter } from '../../shared/adapters/local/fs-object-writer';

/** EXPORT_BUCKET (AWS) or EXPORT_DIR (local); neither = export disabled (the local runtime without a folder). */
export const writerFromEnv = (env: Record<string, string | undefined> = process.env): ObjectWriter | undefined =>
  env.EXPORT_BUCKET
    ? new S3ObjectWriter(new S3Client({}), env.EXPORT_BUCKET)
    : env.EXPORT_DIR
      ? new FsObjectWriter(env.EXPORT_DIR)
      : undefined;

export const makeHandler = (getDeps: () => Promise<AppDeps>, getWriter: () => ObjectWriter | undefined = () => writerFromEnv()) =>
  middy().handler(async (event: unknown) => {
    const e = parseOrThrow(EventBridgeEnvelope, event, 'event');
    // The daily backstop recomputes the last few days: covers an event lost after retries and index reads that
    // lagged the write that triggered them.
    const fromEvent = e['detail-type'] === 'Scheduled Event' ? undefined : parseOrThrow(IntervalsWritten, e.detail, 'detail');
    const deps = await getDeps();
    const days = fromEvent?.days ?? recentDays(deps.clock.nowSec(), BACKSTOP_DAYS);
    const writer = getWriter();
    if (!writer) {
      deps.log('export-footprints: disabled (no EXPORT_BUCKET / EXPORT_DIR)', { days });
      return { written: [], empty: [], disabled: true };
    }
    const result = await makeExportFootprints({ store: deps.store, writer })(days);
    deps.log('export-footprints', { written: result.written.length, rows: result.written.reduce((a, w) => a + w.rows, 0), empty: result.empty });
    return result;
  });

// One writer (and S3 client) per Lambda container, not per invocation.
let containerWriter: ObjectWriter | undefined | null = null;
export const handler = makeHandler(awsDeps, () => (containerWriter === null ? (containerWriter = writerFromEnv()) : containerWriter));
