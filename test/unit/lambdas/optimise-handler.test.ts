/** The optimise handler only adapts: each input (poll schedule, bus event, hourly sweep) to one use case; bad input names the field. */
import { makeHandler } from '../../../lambdas/optimise/handler';
import { request, startAttempt, startOptimiseHarness, T0, type OptimiseHarness } from '../../helpers/optimise-harness';

let h: OptimiseHarness;
beforeEach(async () => {
  h = await startOptimiseHarness();
});
afterEach(async () => h.close());

const handler = () => makeHandler(async () => ({ optimise: h.deps, log: () => undefined }));
const envelope = (detailType: string, detail: unknown, source = 'carbonpilot') => ({ 'detail-type': detailType, source, time: new Date(T0 * 1000).toISOString(), detail });

describe('optimise handler', () => {
  it('a poll schedule advances its attempt', async () => {
    const id = await startAttempt(h, request());
    h.clock.set(T0 + 3600); // the job has completed in the stand-in
    const r = (await handler()({ kind: 'carbonpilot.optimise', attemptId: id }, {})) as { steps: string[] };
    expect(r.steps).toEqual(['optimised', 'candidate-created', 'measuring']);
  });

  it('the bus event of a change advances the attempt; the hourly schedule runs the sweep', async () => {
    const id = await startAttempt(h, request());
    h.clock.set(T0 + 3600);
    expect(((await handler()(envelope('Optimisation Attempt Changed', { attemptId: id }), {})) as { status: string }).status).toBe('measuring');
    expect(((await handler()(envelope('Scheduled Event', {}, 'aws.events'), {})) as { checked: number }).checked).toBe(1);
  });

  it.each([
    ['a poll with a bad attempt id', { kind: 'carbonpilot.optimise', attemptId: 'x' }, /attemptId/],
    ['an event without its detail', envelope('Optimisation Attempt Changed', {}), /attemptId/],
    ['an event of another kind', envelope('Something Else', {}), /detail-type/],
  ])('%s is refused naming the field', async (_name, event, field) => {
    await expect(handler()(event, {})).rejects.toMatchObject({ name: 'MalformedEventError', message: expect.stringMatching(field) });
  });
});
