import { describe, expect, it } from 'vitest';
import { choosePlan } from '../../src-main/engine/choose-plan';
import { matchProfile, type ProfileEntry } from '../../src-main/engine/profile-match';
import { BUILT_IN_PROFILES } from '../../src-shared/profiles';
import { profileSchema } from '../../src-shared/profile-schema';
import type { TargetFacts } from '../../src-shared/process';

const entries: ProfileEntry[] = BUILT_IN_PROFILES.map((profile) => ({
  profile,
  origin: 'built-in',
}));
const linux: TargetFacts = { pid: 100, platform: 'linux', name: 'app' };
const signals = (caught: string[], ignored: string[] = [], blocked: string[] = []) => ({
  signals: { caught, ignored, blocked },
});
const plan = (facts: TargetFacts, strategy = 'auto', graceMs?: number) =>
  choosePlan(facts, { strategy: strategy as never, graceMs }, 'm');
const names = (p: { steps: { strategy: string }[] }) => p.steps.map((s) => s.strategy);

function profiled(id: { exe?: string; comm: string; argv?: string[]; cwd?: string }): TargetFacts {
  const profile = matchProfile(entries, { pid: 100, argv: [], ...id });
  return { ...linux, name: id.comm, ...(profile ? { profile } : {}) };
}

describe('choosePlan with signal dispositions (pure)', () => {
  it('prefers a caught signal in the order TERM, INT, HUP, QUIT', () => {
    expect(names(plan({ ...linux, ...signals(['SIGINT', 'SIGTERM']) }))[0]).toBe('signal:SIGTERM');
    // A Python program: only SIGINT (KeyboardInterrupt) has a handler.
    const py = plan({ ...linux, ...signals(['SIGINT']) });
    expect(names(py)).toEqual(['signal:SIGINT', 'signal:SIGKILL']);
    expect(py.steps[0]!.reason).toMatch(/it catches SIGINT/);
    expect(names(plan({ ...linux, ...signals(['SIGQUIT']) }))[0]).toBe('signal:SIGQUIT');
  });

  it('never chooses an ignored signal; when it catches none, says the signal ends it at once', () => {
    const p = plan({ ...linux, ...signals([], ['SIGTERM']) });
    expect(names(p)).toEqual(['signal:SIGINT', 'signal:SIGKILL']);
    expect(p.steps[0]!.reason).toMatch(
      /catches none of .*: SIGINT will end it at once, without cleanup/,
    );
    expect(p.summary).toMatch(/it ends at once without cleanup/);
  });

  it('goes straight to SIGKILL, saying why, when every polite signal is ignored', () => {
    const p = plan({ ...linux, ...signals([], ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT']) });
    expect(names(p)).toEqual(['signal:SIGKILL']);
    expect(p.steps[0]!.reason).toMatch(/ignores SIGTERM, SIGINT, SIGHUP, SIGQUIT/);
  });

  it('a blocked signal loses to a caught one; alone, it is held (signalfd), not "ends at once"', () => {
    expect(names(plan({ ...linux, ...signals(['SIGTERM', 'SIGINT'], [], ['SIGTERM']) }))[0]).toBe(
      'signal:SIGINT',
    );
    const fd = plan({ ...linux, ...signals([], [], ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT']) });
    expect(names(fd)[0]).toBe('signal:SIGTERM');
    expect(fd.steps[0]!.reason).toMatch(/blocks SIGTERM in every thread.*signalfd/);
  });

  it('replaces a chosen signal the process ignores, with the reason, keeping the chosen grace', () => {
    const p = plan(
      { ...linux, ...signals(['SIGTERM', 'SIGHUP'], ['SIGINT']) },
      'signal:SIGINT',
      700,
    );
    expect(p.steps.map((s) => `${s.strategy}/${s.graceMs}`)).toEqual([
      'signal:SIGTERM/700',
      'signal:SIGKILL/3000',
    ]);
    expect(p.steps[0]!.reason).toMatch(/you asked for SIGINT, but it ignores SIGINT/);
    expect(p.summary).toMatch(/SIGINT replaced by SIGTERM/);
    // SIGWINCH is ignored by default when not caught.
    expect(names(plan({ ...linux, ...signals(['SIGTERM']) }, 'signal:SIGWINCH'))[0]).toBe(
      'signal:SIGTERM',
    );
  });

  it('keeps a chosen signal it does not catch, and says it ends it at once', () => {
    const p = plan({ ...linux, ...signals(['SIGINT']) }, 'signal:SIGTERM');
    expect(names(p)).toEqual(['signal:SIGTERM', 'signal:SIGKILL']);
    expect(p.steps[0]!.reason).toMatch(/no handler for SIGTERM: it ends at once, without cleanup/);
  });

  it('shows what the process catches, ignores and blocks', () => {
    const d = { caught: ['SIGTERM'], ignored: ['SIGPIPE'], blocked: [] };
    expect(plan({ ...linux, signals: d }).dispositions).toEqual(d);
    expect(plan(linux).dispositions).toBeUndefined();
  });

  it('a stopped target: the polite step says SIGCONT follows; a traced one names its tracer', () => {
    const stopped = plan({ ...linux, ...signals(['SIGTERM']), stopped: 'signal' });
    expect(stopped.steps[0]!.reason).toMatch(/stopped \(state T\), so SIGCONT follows at once/);
    expect(stopped.steps[1]!.reason).not.toMatch(/SIGCONT/);
    const traced = plan({
      ...linux,
      ...signals(['SIGTERM']),
      stopped: 'tracer',
      tracer: { pid: 77, name: 'gdb' },
    });
    expect(traced.steps[0]!.reason).toMatch(/held stopped by its tracer gdb \(PID 77\)/);
    expect(traced.summary).toMatch(/tracer gdb \(PID 77\)/);
  });

  it('with windows, the close request stays first and the signal after it follows dispositions', () => {
    const p = plan({
      ...linux,
      ...signals(['SIGINT']),
      display: { kind: 'x11', detail: ':0' },
      closableWindows: [{ id: '1', title: 'a' }],
    });
    expect(names(p)).toEqual(['x11-close', 'signal:SIGINT', 'signal:SIGKILL']);
  });
});

describe('shutdown profiles in the plan (pure)', () => {
  it('every built-in profile passes its own schema', () => {
    for (const p of BUILT_IN_PROFILES)
      expect(profileSchema().safeParse(p).success, p.id).toBe(true);
  });

  it('PostgreSQL: SIGINT (fast shutdown) before its immediate shutdown; pg_ctl is offered', () => {
    const facts = {
      ...profiled({
        exe: '/usr/lib/postgresql/15/bin/postgres',
        comm: 'postgres',
        argv: ['/usr/lib/postgresql/15/bin/postgres', '-D', '/srv/pg', '-p', '5433'],
        cwd: '/srv/pg',
      }),
      ...signals(['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGTERM']),
    };
    const p = plan(facts);
    expect(names(p)).toEqual(['signal:SIGINT', 'signal:SIGQUIT', 'signal:SIGKILL']);
    expect(p.steps[0]!.reason).toMatch(/"fast" shutdown/);
    expect(p.steps[0]!.graceMs).toBe(60_000);
    expect(p.profile).toMatchObject({ id: 'postgresql' });
    expect(p.nativeStop?.command).toEqual([
      '/usr/lib/postgresql/15/bin/pg_ctl',
      'stop',
      '-m',
      'fast',
      '-D',
      '/srv/pg',
    ]);
    // A user grace wins over the profile's.
    expect(plan(facts, 'auto', 1000).steps[0]!.graceMs).toBe(1000);
    // A chosen SIGTERM is kept (it does end it), with what it means to PostgreSQL.
    const term = plan(facts, 'signal:SIGTERM');
    expect(names(term)).toEqual(['signal:SIGTERM', 'signal:SIGKILL']);
    expect(term.steps[0]!.reason).toMatch(/"smart" shutdown: .*waits for every connected client/);
  });

  it('PostgreSQL backends ("postgres: …") do not match the server profile', () => {
    expect(
      profiled({
        exe: '/usr/bin/postgres',
        comm: 'postgres',
        argv: ['postgres: user db [local] idle'],
      }).profile,
    ).toBeUndefined();
  });

  it('nginx: SIGQUIT with a true reason; a chosen SIGHUP is replaced (it only reloads)', () => {
    const facts = {
      ...profiled({
        exe: '/usr/sbin/nginx',
        comm: 'nginx',
        argv: ['nginx: master process /usr/sbin/nginx -c /etc/x.conf', '', ''],
      }),
      ...signals(['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGWINCH', 'SIGUSR1']),
    };
    const p = plan(facts);
    expect(names(p)).toEqual(['signal:SIGQUIT', 'signal:SIGTERM', 'signal:SIGKILL']);
    expect(p.steps[0]!.reason).toMatch(/graceful shutdown/);
    for (const s of p.steps) expect(s.reason).not.toMatch(/save and exit|core dump/);
    expect(p.nativeStop?.command).toEqual(['/usr/sbin/nginx', '-c', '/etc/x.conf', '-s', 'quit']);
    const hup = plan(facts, 'signal:SIGHUP');
    expect(names(hup)[0]).toBe('signal:SIGQUIT');
    expect(hup.steps[0]!.reason).toMatch(
      /you asked for SIGHUP, but nginx rereads its configuration/,
    );
  });

  it('Apache: SIGWINCH graceful-stop; Java: SIGTERM, and a chosen SIGQUIT (thread dump) is replaced', () => {
    const apache = plan({
      ...profiled({ exe: '/usr/sbin/apache2', comm: 'apache2' }),
      ...signals(['SIGWINCH', 'SIGTERM', 'SIGHUP']),
    });
    expect(names(apache)[0]).toBe('signal:SIGWINCH');
    const java = {
      ...profiled({ exe: '/usr/lib/jvm/java-17/bin/java', comm: 'java' }),
      ...signals(['SIGTERM', 'SIGQUIT', 'SIGINT', 'SIGHUP']),
    };
    expect(names(plan(java))[0]).toBe('signal:SIGTERM');
    expect(plan(java, 'signal:SIGQUIT').steps[0]!.reason).toMatch(/thread dump/);
  });

  it('a profile signal the process does not catch falls back to its dispositions, saying so', () => {
    const p = plan({
      ...profiled({ exe: '/usr/sbin/nginx', comm: 'nginx' }),
      ...signals(['SIGINT', 'SIGHUP']),
    });
    // SIGHUP is caught, but nginx's profile says it only reloads: SIGINT.
    expect(names(p)).toEqual(['signal:SIGINT', 'signal:SIGKILL']);
    expect(p.steps[0]!.reason).toMatch(/does not catch the profile's SIGQUIT, SIGTERM/);
  });

  it('without dispositions (unreadable), the profile is followed as written', () => {
    expect(names(plan(profiled({ comm: 'redis-server' })))).toEqual([
      'signal:SIGTERM',
      'signal:SIGKILL',
    ]);
    expect(plan(profiled({ comm: 'redis-server' })).steps[0]!.graceMs).toBe(60_000);
  });

  it('globs match versioned executables; unknown programs get no profile', () => {
    expect(profiled({ exe: '/usr/sbin/php-fpm8.2', comm: 'php-fpm8.2' }).profile?.id).toBe(
      'php-fpm',
    );
    expect(profiled({ exe: '/usr/bin/vim.basic', comm: 'vim' }).profile?.id).toBe('vim');
    expect(profiled({ exe: '/usr/bin/tmux', comm: 'tmux: server' }).profile?.id).toBe('tmux');
    expect(profiled({ exe: '/usr/bin/tmux', comm: 'tmux: client' }).profile).toBeUndefined();
    expect(
      profiled({ exe: '/usr/bin/screen', comm: 'screen', argv: ['SCREEN', '-S', 'a'] }).profile?.id,
    ).toBe('screen');
    expect(
      profiled({ exe: '/usr/bin/screen', comm: 'screen', argv: ['screen', '-r'] }).profile,
    ).toBeUndefined();
    expect(profiled({ exe: '/usr/bin/python3.11', comm: 'python3' }).profile).toBeUndefined();
  });

  it('an unknown placeholder is left for the user to fill in', () => {
    const p = profiled({ comm: 'postgres', argv: ['postgres'] });
    expect(p.profile?.nativeStop?.command).toEqual([
      '<exedir>/pg_ctl',
      'stop',
      '-m',
      'fast',
      '-D',
      '<arg:-D|cwd>',
    ]);
  });

  it('profile problems reach the plan as warnings', () => {
    expect(plan({ ...linux, profileProblems: ['x: entry 1: field id: bad'] }).warnings).toEqual([
      'x: entry 1: field id: bad',
    ]);
  });
});
