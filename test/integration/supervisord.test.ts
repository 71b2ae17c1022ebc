import { execFileSync, spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { isRunning, runCli, childrenOf } from '../helpers/processes';
import {
  HAVE_SUPERVISORD as HAVE,
  startSupervisord,
  stopSupervisords,
} from '../helpers/supervisord';

afterEach(stopSupervisords);

describe.runIf(process.platform === 'linux' && HAVE)('supervisord brings its program back', () => {
  it('names supervisord and the program in the plan, and reports the restart (exit 6)', async () => {
    const { conf, sup, web } = await startSupervisord();

    const run = await runCli(['kill', '--json', String(web)]);
    const plan = run.events.find((e) => e.type === 'plan') as unknown as {
      plan: { supervisor: { kind: string; who: string; pid: number; stop: { command: string[] } } };
    };
    expect(plan.plan.supervisor).toMatchObject({
      kind: 'supervisord',
      who: `supervisord (PID ${sup.pid}), program web`,
      pid: sup.pid,
      stop: { command: ['supervisorctl', '-c', conf, 'stop', 'web'] },
    });
    const restarted = run.events.find((e) => e.type === 'restarted') as unknown as {
      newPid: number;
    };
    expect(restarted).toMatchObject({ pid: web, by: `supervisord (PID ${sup.pid}), program web` });
    expect(restarted.newPid).not.toBe(web);
    expect(childrenOf(sup.pid!)).toContain(restarted.newPid);
    expect(run.events.find((e) => e.type === 'result')).toMatchObject({ pid: web });
    expect(run.code).toBe(6);

    // The supervisor's own stop ends it for good.
    execFileSync('supervisorctl', ['-c', conf, 'stop', 'web']);
    expect(isRunning(restarted.newPid)).toBe(false);
  });

  it('--supervisor-stop stops it through supervisorctl: stopped, not restarted, exit 0', async () => {
    const { conf, sup, web } = await startSupervisord();
    const run = await runCli(['kill', '--json', '--supervisor-stop', String(web)]);
    const plan = run.events.find((e) => e.type === 'plan') as unknown as {
      plan: { supervisor: { stop: Record<string, unknown> } };
    };
    // supervisorctl finds the daemon through the same -c file supervisord was started with.
    expect(plan.plan.supervisor.stop).toMatchObject({
      command: ['supervisorctl', '-c', conf, 'stop', 'web'],
      timeoutMs: 10_000,
      runnable: true,
    });
    expect(run.events.find((e) => e.type === 'supervisor-stop')).toMatchObject({
      pid: web,
      command: ['supervisorctl', '-c', conf, 'stop', 'web'],
    });
    expect(run.events.find((e) => e.type === 'result')).toMatchObject({
      pid: web,
      outcome: 'stopped-by-supervisor',
    });
    // Nothing SafeKill sends itself: the supervisor's stop did it.
    expect(run.events.some((e) => e.type === 'step')).toBe(false);
    expect(run.events.some((e) => e.type === 'restarted')).toBe(false);
    expect(run.code).toBe(0);
    expect(isRunning(web)).toBe(false);
    expect(childrenOf(sup.pid!)).toEqual([]);
    const status = spawnSync('supervisorctl', ['-c', conf, 'status', 'web'], { encoding: 'utf8' });
    expect(status.stdout).toMatch(/^web\s+STOPPED/);
  });
});
