// The --supervisor-stop step's decisions, on the fake clock: a supervisor whose stop leaves the
// target running (its timeout, 10 s, passes) hands over to the usual ladder, and a stop SafeKill
// cannot run is never run. Real supervisorctl and systemctl runs are in test/integration.
import { describe, expect, it } from 'vitest';
import type { KillEvent, SupervisorInfo } from '../../src-shared/kill';
import { killTargets } from '../../src-main/kill/kill-targets';
import { SUPERVISOR_MARGIN_MS } from '../../src-main/kill/supervisor-first';
import type { KillPlatform } from '../../src-main/platform/types';
import { FakeClock, flush } from '../helpers/fake-clock';
import { fakePlatform } from '../helpers/fake-platform';

const supervised = (runnable: boolean): SupervisorInfo => ({
  kind: 'supervisord',
  who: 'supervisord (PID 40), program web',
  pid: 40,
  stop: {
    command: ['supervisorctl', 'stop', 'web'],
    note: '',
    timeoutMs: 10_000,
    runnable,
    ...(runnable ? {} : { whyNot: 'supervisorctl is not on PATH here' }),
  },
});

function setup(runnable: boolean) {
  const fp = fakePlatform([{ pid: 50, ppid: 40, startTime: 5 }]);
  const platform: KillPlatform = {
    ...fp,
    describe: async (t) => ({ ...(await fp.describe(t)), supervisor: supervised(runnable) }),
  };
  const ran: string[][] = [];
  const events: KillEvent[] = [];
  const clock = new FakeClock();
  const done = killTargets(
    { pids: [50], overrides: { strategy: 'auto' }, supervisorStop: true },
    {
      platform,
      clock,
      tickMs: 0,
      onEvent: (e) => events.push(e),
      // It says it stopped the program, but the program is still there.
      runCommand: (argv) => {
        ran.push([...argv]);
        return Promise.resolve({ code: 0, output: '' });
      },
    },
  );
  return { fp, ran, events, clock, done };
}

describe('--supervisor-stop', () => {
  it('goes on with the usual steps when the target outlives the supervisor timeout', async () => {
    const { fp, ran, events, clock, done } = setup(true);
    await flush();
    expect(ran).toEqual([['supervisorctl', 'stop', 'web']]);
    expect(fp.sent).toEqual([]);
    await clock.advance(10_000 + SUPERVISOR_MARGIN_MS - 1);
    expect(fp.sent).toEqual([]); // Nothing of SafeKill's own within the supervisor's time.
    await clock.advance(1);
    expect(events.find((e) => e.type === 'notice')).toMatchObject({
      message: expect.stringMatching(/still running .*supervisorctl stop web; going on/),
    });
    const [result] = await done;
    expect(fp.sent.map((s) => s.strategy)).toEqual(['signal:SIGTERM']);
    expect(result!.outcome).not.toBe('stopped-by-supervisor');
  });

  it('never runs a stop that SafeKill cannot run here', async () => {
    const { fp, ran, events, done } = setup(false);
    await done;
    expect(ran).toEqual([]);
    expect(events.some((e) => e.type === 'supervisor-stop')).toBe(false);
    expect(fp.sent.map((s) => s.strategy)).toEqual(['signal:SIGTERM']);
  });
});
