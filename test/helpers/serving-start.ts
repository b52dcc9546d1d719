/**
 * `carbonpilot start` (serving, not --once) as a child process for e2e tests: waits for the dashboard URL (printed
 * before the replay) or for the replay to be live, stops on a signal. `npm: true` runs exactly `npm start -- …`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '../..');
export const CLI = join(ROOT, 'bin/carbonpilot-cli.js');
const DASHBOARD = /Dashboard: (http:\/\/127\.0\.0\.1:\d+)\/#token=(\S+)/;
const LIVE = /Running on the wall clock/;

export interface ServingStart {
  child: ChildProcess;
  url: string;
  token: string;
  /** Everything printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when the replay is done and it runs on the wall clock. */
  live(): Promise<void>;
  /** Resolves with the exit (code, signal). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGINT (the graceful stop a user's Ctrl-C sends) and wait for the exit; a no-op once it has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface ServingOptions {
  /** Resolve once the URL is printed (default), or once the replay is live. */
  until?: 'url' | 'live';
  /** Run `npm start -- …` instead of the CLI itself. */
  npm?: boolean;
  timeoutMs?: number;
}

export async function startServing(args: string[], o: ServingOptions = {}): Promise<ServingStart> {
  const timeoutMs = o.timeoutMs ?? 600_000;
  const child = o.npm
    ? spawn('npm', ['start', '--silent', '--', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, [CLI, 'start', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  // Registered first: the waits below read `stdout` after it has the new chunk.
  child.stdout!.on('data', (c: Buffer) => void (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => void (stderr += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const seen = (re: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not printed within ${timeoutMs} ms: ${re}\n${stdout}\n${stderr}`)), timeoutMs);
      const check = () => {
        const m = re.exec(stdout);
        if (!m) return;
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve(m);
      };
      child.stdout!.on('data', check);
      check();
      void exited.then(({ code }) => {
        clearTimeout(timer);
        reject(new Error(`start exited early (${code}) before ${re}:\n${stdout}\n${stderr}`));
      });
    });
  const [, url, token] = await seen(DASHBOARD);
  const live = seen(LIVE).then(() => undefined);
  live.catch(() => undefined); // observed by whoever awaits live()
  if (o.until === 'live') await live;
  const stop = async (signal: NodeJS.Signals = 'SIGINT') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    await exited;
  };
  return { child, url, token, stdout: () => stdout, stderr: () => stderr, live: () => live, exited, stop };
}
