/** `carbonpilot start` (serving, not --once) as a child process for e2e tests: waits for the dashboard URL, stops on SIGINT. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const CLI = join(__dirname, '../../bin/carbonpilot-cli.js');

export interface ServingStart {
  child: ChildProcess;
  url: string;
  token: string;
  /** SIGINT (the graceful stop a user's Ctrl-C sends) and wait for the exit; a no-op once it has exited. */
  stop(): Promise<void>;
}

export async function startServing(args: string[], timeoutMs = 600_000): Promise<ServingStart> {
  const child = spawn(process.execPath, [CLI, 'start', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  const [url, token] = await new Promise<[string, string]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no dashboard URL printed:\n${stdout}`)), timeoutMs);
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      const m = /Dashboard: (http:\/\/127\.0\.0\.1:\d+)\/#token=(\S+)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve([m[1], m[2]]);
      }
    });
    child.on('exit', (code) => reject(new Error(`start exited early (${code}):\n${stdout}`)));
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGINT');
    await exited;
  };
  return { child, url, token, stop };
}
