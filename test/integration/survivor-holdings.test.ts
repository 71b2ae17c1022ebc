import fs from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { linuxSurvivors } from '../../src-main/platform/linux/proc-family';
import { readStat } from '../../src-main/platform/linux/proc-stat';

const started: ChildProcess[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const c of started.splice(0)) c.kill('SIGKILL'); // a reaped child is not signalled
});

describe.runIf(process.platform === 'linux')('a survivor’s holdings', () => {
  it('come from one listing of its open files (ports and lock files alike)', async () => {
    const child = spawn('sleep', ['60'], { stdio: 'ignore' });
    await new Promise((resolve) => child.once('spawn', resolve));
    started.push(child);
    const pid = child.pid!;
    const st = readStat(pid)!;
    const readdir = vi.spyOn(fs, 'readdirSync');
    const out = linuxSurvivors([
      { pid, startTime: st.startTime, name: st.comm, relation: 'descendant' },
    ]);
    expect(out.map((s) => s.pid)).toEqual([pid]);
    expect(out[0]).toMatchObject({ ports: [], files: [] });
    const fdReads = readdir.mock.calls.filter(([p]) => String(p) === `/proc/${pid}/fd`);
    expect(fdReads).toHaveLength(1);
  });
});
