/**
 * --supervisor-stop for a systemd service. systemd cannot run in this container (it is not PID 1
 * and there is no system bus), so two stand-ins: the target's supervisor fact comes from recorded
 * /proc/PID/cgroup files (a system and a user service), and `systemctl` is a script first on PATH
 * that records its argv and ends the target the way `systemctl stop` would, with SIGTERM. The
 * target is a real process (pinned by pidfd, its exit seen for real), the script runs as a real
 * child process, and only describe's supervisor fact is put in.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { KillEvent, KillResult } from '../../src-shared/kill';
import { killTargets } from '../../src-main/kill/kill-targets';
import { currentPlatform } from '../../src-main/platform/current';
import { supervisorFromCgroup } from '../../src-main/engine/supervisor';
import { supervisorInfo } from '../../src-main/platform/linux/proc-supervisor';
import type { KillPlatform } from '../../src-main/platform/types';
import { isRunning, useTargets } from '../helpers/processes';

const RECORDINGS = path.join(import.meta.dirname, '../unit/cgroup-recordings');
const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-systemctl-'));
const argvFile = path.join(bin, 'argv');
const oldPath = process.env.PATH;

/** The stand-in systemctl: `mode` ends the target (stop) or fails without touching it. */
function standIn(mode: 'stop' | 'fail', targetPid: number): void {
  const body =
    mode === 'stop'
      ? `kill -TERM ${targetPid}\nexit 0`
      : `echo "Failed to stop unit: Access denied" >&2\nexit 1`;
  fs.writeFileSync(
    path.join(bin, 'systemctl'),
    `#!/bin/sh\nprintf '%s\\n' "$*" > '${argvFile}'\n${body}\n`,
    { mode: 0o755 },
  );
}

/** The real Linux platform, but its targets report the unit that `recording` names. */
function underUnit(recording: string): KillPlatform {
  const real = currentPlatform();
  const cgroup = fs.readFileSync(path.join(RECORDINGS, recording), 'utf8');
  return {
    ...real,
    describe: async (t) => ({
      ...(await real.describe(t)),
      supervisor: supervisorInfo(supervisorFromCgroup(cgroup)!),
    }),
  };
}

async function kill(platform: KillPlatform, pid: number) {
  const events: KillEvent[] = [];
  const [result] = await killTargets(
    { pids: [pid], overrides: { strategy: 'auto', graceMs: 2000 }, supervisorStop: true },
    { platform, onEvent: (e) => events.push(e), tickMs: 0 },
  );
  return { result: result as KillResult, events };
}

beforeAll(() => {
  process.env.PATH = `${bin}${path.delimiter}${oldPath}`;
});
afterAll(() => {
  process.env.PATH = oldPath;
  fs.rmSync(bin, { recursive: true, force: true });
});
// Targets are SIGKILLed after each test (a refused one is still running), then their holders.
const { target } = useTargets();
afterEach(() => {
  fs.rmSync(argvFile, { force: true });
});

describe.runIf(process.platform === 'linux')('--supervisor-stop with systemd (stand-ins)', () => {
  it('runs systemctl stop UNIT for a system service; stopped by its supervisor', async () => {
    const t = await target([]);
    const pid = t.pids[0]!;
    standIn('stop', pid);
    const { result, events } = await kill(underUnit('v2-system-service.txt'), pid);
    expect(fs.readFileSync(argvFile, 'utf8').trim()).toBe('stop nginx.service');
    expect(events.find((e) => e.type === 'plan')).toMatchObject({
      plan: { supervisor: { stop: { runnable: true, timeoutMs: 90_000 } } },
    });
    expect(result).toMatchObject({ pid, outcome: 'stopped-by-supervisor' });
    expect(result.restarted).toBeUndefined();
    expect(events.some((e) => e.type === 'step')).toBe(false);
    expect(isRunning(pid)).toBe(false);
  });

  it('runs systemctl --user stop UNIT for a user service', async () => {
    const t = await target([]);
    const pid = t.pids[0]!;
    standIn('stop', pid);
    const { result } = await kill(underUnit('v2-user-service.txt'), pid);
    expect(fs.readFileSync(argvFile, 'utf8').trim()).toBe('--user stop syncthing.service');
    expect(result.outcome).toBe('stopped-by-supervisor');
  });

  it('goes on with the usual steps, and says so, when systemctl stop fails', async () => {
    const t = await target([]);
    const pid = t.pids[0]!;
    standIn('fail', pid);
    const { result, events } = await kill(underUnit('v2-system-service.txt'), pid);
    expect(fs.readFileSync(argvFile, 'utf8').trim()).toBe('stop nginx.service');
    const notice = events.find((e) => e.type === 'notice');
    expect(notice).toMatchObject({
      message: expect.stringMatching(/failed.*Access denied.*usual steps/),
    });
    expect(events.find((e) => e.type === 'step')).toMatchObject({ strategy: 'signal:SIGTERM' });
    expect(result.outcome).toBe('exited');
    expect(isRunning(pid)).toBe(false);
  });

  it('never runs the stop for a target that was refused', async () => {
    const t = await target([]);
    const pid = t.pids[0]!;
    standIn('stop', pid);
    const events: KillEvent[] = [];
    const [result] = await killTargets(
      {
        pids: [pid],
        overrides: { strategy: 'auto' },
        supervisorStop: true,
        expectedStartTimes: new Map([[pid, 1]]), // Not its start time: pid-reused.
      },
      { platform: underUnit('v2-system-service.txt'), onEvent: (e) => events.push(e), tickMs: 0 },
    );
    expect(result).toMatchObject({ code: 'pid-reused' });
    expect(fs.existsSync(argvFile)).toBe(false);
    expect(isRunning(pid)).toBe(true);
  });
});
