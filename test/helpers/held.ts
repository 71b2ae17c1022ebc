import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Starts `cmd` under a holder shell that never reaps it, so SafeKill reads its exit status from
 * the zombie as it would for any foreign program. `track` gets the holder at once (to be ended
 * after the tests, even if the program never starts); resolves with the program's PID.
 */
export function startHeld(
  cmd: string,
  args: string[],
  opts: { env: NodeJS.ProcessEnv; cwd?: string; showStderr?: boolean },
  track: (holder: ChildProcess) => void,
): Promise<number> {
  const holder = spawn('sh', ['-c', '"$@" & echo "held $!"; exec sleep 3600', 'sh', cmd, ...args], {
    env: opts.env,
    cwd: opts.cwd,
    stdio: ['ignore', 'pipe', opts.showStderr ? 'inherit' : 'ignore'],
  });
  track(holder);
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`${cmd} did not start`)), 15_000);
    holder.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /held (\d+)/.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    holder.on('error', reject);
  });
}
