/**
 * Emulated Lambda service: one long-lived container (child process) per function, started on its first invocation
 * with exactly the environment the synthesized template gives the function, plus what the Lambda runtime adds
 * (AWS_REGION, credentials) and the loopback endpoint (AWS_ENDPOINT_URL, which the SDK honours). Invocations are
 * serialised per function (reserved concurrency 1), so every invocation after the first is a warm one.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { FunctionArtifact } from './assembly';

export interface InvocationRecord {
  functionId: string;
  cold: boolean;
  ok: boolean;
  error?: string;
  trigger: string;
  atSec: number;
}

export class LambdaHost {
  private readonly containers = new Map<string, { child: ChildProcess; ready: Promise<void>; queue: Promise<unknown> }>();
  private seq = 0;
  readonly invocations: InvocationRecord[] = [];
  /** Lines the functions logged (stdout): EMF and JSON logs, kept for inspection. */
  readonly logs: string[] = [];

  constructor(
    private readonly functions: FunctionArtifact[],
    private readonly runtimeEnv: (fn: FunctionArtifact) => Record<string, string>,
    private readonly nowMs: () => number,
  ) {}

  byArn(arn: string): FunctionArtifact | undefined {
    const base = arn.split(':').slice(0, 7).join(':'); // drop a version/alias qualifier
    return this.functions.find((f) => f.arn === base);
  }

  byId(id: string): FunctionArtifact {
    const f = this.functions.find((x) => x.id === id);
    if (!f) throw new Error(`no function ${id}`);
    return f;
  }

  private container(fn: FunctionArtifact) {
    let c = this.containers.get(fn.id);
    if (c) return c;
    const [file, exp] = fn.handler.split('.');
    const child = fork(join(__dirname, 'container.cjs'), [join(fn.bundleDir, `${file}.js`), exp], {
      env: { ...fn.environment, ...this.runtimeEnv(fn) },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const keep = (b: Buffer) => {
      for (const line of b.toString('utf8').split('\n')) if (line.trim()) this.logs.push(`${fn.id}: ${line}`);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const ready = new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`${fn.id} container exited (${code})`)));
    });
    c = { child, ready, queue: Promise.resolve() };
    this.containers.set(fn.id, c);
    return c;
  }

  /** Invoke synchronously (RequestResponse); the caller decides about retries (async invocations). */
  async invoke(fn: FunctionArtifact, event: unknown, trigger: string): Promise<{ ok: boolean; result?: unknown; error?: string }> {
    const c = this.container(fn);
    const run = async () => {
      await c.ready;
      const id = ++this.seq;
      const reply = await new Promise<any>((resolve) => {
        const onMsg = (m: any) => {
          if (m?.id === id) {
            c.child.off('message', onMsg);
            resolve(m);
          }
        };
        c.child.on('message', onMsg);
        c.child.send({ id, nowMs: this.nowMs(), event, functionName: fn.name, functionArn: fn.arn, requestId: `req-${id}`, timeoutMs: fn.timeoutSec * 1000 });
      });
      const error = reply.ok ? undefined : `${reply.error?.name}: ${reply.error?.message}`;
      this.invocations.push({ functionId: fn.id, cold: reply.cold, ok: reply.ok, error, trigger, atSec: Math.floor(this.nowMs() / 1000) });
      return { ok: reply.ok as boolean, result: reply.result, error };
    };
    const p = c.queue.then(run, run);
    c.queue = p.catch(() => undefined);
    return p;
  }

  async close(): Promise<void> {
    for (const c of this.containers.values()) c.child.kill();
    this.containers.clear();
  }
}
