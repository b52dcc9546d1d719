/**
 * One emulated Lambda container: loads a deployed bundle once (cold start) and invokes its handler for every
 * message from the harness (warm invocations reuse the loaded module, its clients and its module state, exactly
 * like a warm Lambda container). The clock is the simulation's: Date is replaced by one offset to the simulated
 * instant of each invocation (like libfaketime); timers still run on real time.
 */
'use strict';
const RealDate = Date;
let offsetMs = 0;
class SimDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + offsetMs);
    else super(...args);
  }
  static now() {
    return RealDate.now() + offsetMs;
  }
}
globalThis.Date = SimDate;

const [bundleFile, handlerName] = process.argv.slice(2);
let mod;
process.on('message', async (msg) => {
  offsetMs = msg.nowMs - RealDate.now();
  const started = RealDate.now();
  let cold = false;
  try {
    if (!mod) {
      cold = true;
      mod = require(bundleFile);
    }
    const context = {
      functionName: msg.functionName,
      invokedFunctionArn: msg.functionArn,
      awsRequestId: msg.requestId,
      getRemainingTimeInMillis: () => msg.timeoutMs - (RealDate.now() - started),
    };
    const result = await mod[handlerName](msg.event, context);
    process.send({ id: msg.id, ok: true, cold, result: result === undefined ? null : result });
  } catch (e) {
    process.send({ id: msg.id, ok: false, cold, error: { name: e && e.name, message: e && e.message, stack: e && e.stack } });
  }
});
process.send({ ready: true });
