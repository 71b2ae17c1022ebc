/**
 * Many processes of ours at once, for tests and benches: `n` bash targets, each running
 * `target`, started by one holder bash. Resolves once every target catches SIGTERM (its trap is
 * set). `stop` SIGKILLs only the targets whose PID still has the start time it had, then the
 * holder: an exited target's PID may be someone else's by then.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { maskSignals, readStatus } from '../../src-main/platform/linux/proc-status';
import { statFields } from './processes';

export interface BashCrowd {
  pids: number[];
  holder: ChildProcess;
  stop(): void;
}

export interface CrowdOptions {
  /** Each target's `$0` (its name in the process list: a tag to filter by). */
  name?: string;
  /** The holder reaps the targets as they exit (`wait`); else it never does (a zombie stays). */
  reaps?: boolean;
  /** The holder, and so every target, at this nice level. */
  nice?: number;
}

/** Its start time (field 22 of /proc/PID/stat), or undefined when the PID names no process. */
const startTimeOf = (pid: number) => statFields(pid)?.[19];

/** SIGTERM is in its caught mask (read as SafeKill reads it); a target gone before that fails. */
export function catchesTerm(pid: number): boolean {
  const st = readStatus(pid);
  if (!st) throw new Error(`target ${pid} is gone before its trap was set`);
  return maskSignals(st.sigCgt).includes('SIGTERM');
}

export async function bashCrowd(
  n: number,
  target: string,
  opts: CrowdOptions = {},
): Promise<BashCrowd> {
  const start = `bash -c "$0"${opts.name ? ` ${opts.name}` : ''} & echo $!`;
  const script = `for i in $(seq ${n}); do ${start}; done; echo done; ${opts.reaps ? 'wait' : 'exec sleep 3600'}`;
  const argv = ['bash', '-c', script, target];
  const holder = spawn(
    opts.nice ? 'nice' : argv[0]!,
    [...(opts.nice ? ['-n', String(opts.nice), ...argv] : argv.slice(1))],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const pids: number[] = [];
  await new Promise<void>((resolve, reject) => {
    let buf = '';
    holder.on('error', reject);
    holder.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines)
        if (l === 'done') resolve();
        else pids.push(Number(l));
    });
  });
  for (const pid of pids) while (!catchesTerm(pid)) await new Promise((r) => setTimeout(r, 5));
  const starts = new Map(pids.map((p) => [p, startTimeOf(p)]));
  return {
    pids,
    holder,
    stop() {
      for (const pid of pids) {
        if (startTimeOf(pid) !== starts.get(pid)) continue;
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Gone.
        }
      }
      holder.kill('SIGKILL');
    },
  };
}

/** A FIFO nobody writes, for targets to wait on with a builtin read (no process per wait). */
export function makeFifo(file: string): string {
  // A child process: Node has no mkfifo of its own.
  if (spawnSync('mkfifo', [file]).status !== 0) throw new Error(`mkfifo ${file} failed`);
  return file;
}
