import fs from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readDispositions, readStatus } from '../../src-main/platform/linux/proc-status';

// Real processes with real per-thread masks (python3's signal.pthread_sigmask): a signal is
// blocked only when every thread blocks it.
const started: ChildProcess[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const c of started.splice(0)) c.kill('SIGKILL');
});

/** A python3 that blocks SIGTERM in its main thread, with `others` threads made before or after. */
async function masked(others: number, blockFirst: boolean): Promise<number> {
  const code = `
import signal, sys, threading, time
def block(): signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
if ${blockFirst ? 'True' : 'False'}: block()
for _ in range(${others}): threading.Thread(target=time.sleep, args=(60,), daemon=True).start()
if ${blockFirst ? 'False' : 'True'}: block()
print('ready', flush=True)
time.sleep(60)
`;
  const child = spawn('python3', ['-c', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  started.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', () => reject(new Error('python3 exited early')));
  });
  return child.pid!;
}

describe('readDispositions', () => {
  it('counts SIGTERM blocked in a single-threaded process without reading its threads', async () => {
    const pid = await masked(0, true);
    const status = readStatus(pid)!;
    expect(status.threads).toBe(1);
    const readdir = vi.spyOn(fs, 'readdirSync');
    expect(readDispositions(pid, status).blocked).toContain('SIGTERM');
    expect(readdir).not.toHaveBeenCalled();
  });

  it('does not count SIGTERM blocked while another thread takes it', async () => {
    const pid = await masked(1, false);
    const status = readStatus(pid)!;
    expect(status.threads).toBe(2);
    expect(status.sigBlk & (1n << 14n)).not.toBe(0n); // the main thread blocks it
    expect(readDispositions(pid, status).blocked).not.toContain('SIGTERM');
  });

  it('counts SIGTERM blocked when every thread blocks it', async () => {
    const pid = await masked(2, true);
    const status = readStatus(pid)!;
    expect(status.threads).toBe(3);
    expect(readDispositions(pid, status).blocked).toContain('SIGTERM');
  });
});
