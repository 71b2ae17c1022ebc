import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach } from 'vitest';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const CLI = path.join(ROOT, 'dist/cli.cjs');
export const TARGET = path.join(ROOT, 'test/fixtures/target.cjs');

export interface Spawned {
  /** PIDs announced with "ready", in order. */
  pids: number[];
  holder: ChildProcess;
  stop(): void;
}

const started: ChildProcess[] = [];

/**
 * Starts the target under a holder that never reaps it (`sh` execs `sleep` after starting it),
 * so its exit status can still be read from its zombie entry, as with any foreign process.
 * Resolves once `expectReady` targets have said "ready".
 */
export function spawnTarget(args: string[], expectReady = 1): Promise<Spawned> {
  const quoted = [process.execPath, TARGET, ...args]
    .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
    .join(' ');
  const holder = spawn('sh', ['-c', `${quoted} & exec sleep 3600`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  started.push(holder);
  const pids: number[] = [];
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`target not ready: ${buf}`)), 15_000);
    holder.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      for (const m of buf.matchAll(/ready (\d+)/g))
        if (!pids.includes(Number(m[1]))) pids.push(Number(m[1]));
      if (pids.length >= expectReady) {
        clearTimeout(timer);
        resolve({ pids, holder, stop: () => holder.kill('SIGKILL') });
      }
    });
    holder.on('error', reject);
  });
}

/**
 * For a test file: `target(args)` starts targets as spawnTarget does. After each test, its
 * targets and any PID pushed onto `pids` (processes the test started) are SIGKILLed; after the
 * file, the holders.
 */
export function useTargets(): {
  target: (args: string[], ready?: number) => Promise<Spawned>;
  pids: number[];
} {
  const pids: number[] = [];
  afterEach(() => {
    for (const pid of pids.splice(0)) killQuietly(pid);
  });
  afterAll(cleanupHolders);
  return {
    pids,
    target: async (args, ready = 1) => {
      const t = await spawnTarget(args, ready);
      pids.push(...t.pids);
      return t;
    },
  };
}

/**
 * The fields of /proc/PID/stat after the command name (state is [0], ppid [1], pgrp [2]), or
 * undefined once the process is gone. The name may hold spaces and ")", so split after the last.
 */
export function statFields(pid: number): string[] | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** True while the process exists and is not a zombie. */
export function isRunning(pid: number): boolean {
  const state = statFields(pid)?.[0];
  return state !== undefined && state !== 'Z' && state !== 'X';
}

/** Direct children of `pid`, from /proc (call it for the test's own processes only). */
export function childrenOf(pid: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n) && Number(statFields(Number(n))?.[1]) === pid)
    .map(Number);
}

export function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Kills every holder (and so lets init reap the zombies) started by this test file. */
export function cleanupHolders(): void {
  for (const h of started.splice(0)) h.kill('SIGKILL');
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  events: Array<Record<string, unknown> & { type: string; pid: number }>;
}

export function parseEvents(stdout: string): CliRun['events'] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as CliRun['events'][number]);
}

/** Runs the built CLI to completion. */
export function runCli(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; asUser?: string } = {},
): Promise<CliRun> {
  const cmd = opts.asUser ? 'setpriv' : process.execPath;
  const argv = opts.asUser
    ? [
        `--reuid=${opts.asUser}`,
        `--regid=${opts.asUser === 'nobody' ? 'nogroup' : opts.asUser}`,
        '--clear-groups',
        process.execPath,
        CLI,
        ...args,
      ]
    : [CLI, ...args];
  const child = spawn(cmd, argv, {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return collect(child);
}

export function collect(child: ChildProcess): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => {
    child.on('close', (code) => resolve({ code, stdout, stderr, events: parseEvents(stdout) }));
  });
}

export function tmpFile(name: string): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-')), name);
}

export function canSwitchUser(): boolean {
  return process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0;
}
