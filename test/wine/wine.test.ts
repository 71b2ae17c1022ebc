import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KillEvent, KillResult } from '../../src-shared/kill';
import type { ProcessRow } from '../../src-shared/process';
import { startXvfb, stopXvfb, type Xvfb } from '../fixtures/xvfb';

// The Windows path for real: the shipped dist/cli.cjs under Wine's node.exe (or natively on a
// Windows runner), driven through a harness that starts a notepad or a console program and then
// runs `safekill` commands on it. Everything goes through files: node.exe under Wine fails with
// EBADF on a Unix pipe.

const ROOT = path.resolve(__dirname, '..', '..');
const HARNESS = path.join(ROOT, 'test', 'wine', 'fixtures', 'harness.cjs');
const native = process.platform === 'win32';

function onPath(cmd: string): boolean {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .some((dir) => dir && fs.existsSync(path.join(dir, cmd)));
}

const skipReason = native
  ? undefined
  : process.platform !== 'linux'
    ? `Wine tests run on Linux (this is ${process.platform})`
    : !onPath('wine')
      ? 'wine is not installed (apt-get install wine wine64; .ci/run does it)'
      : !onPath('Xvfb')
        ? 'Xvfb is not installed (notepad needs a display)'
        : undefined;
if (skipReason) console.log(`test/wine skipped: ${skipReason}`);

interface Run {
  target: { pid: number; harnessPid: number; childPids: number[] };
  commands: { status: number | null; stdout: string; stderr: string }[];
  targetLog: string;
  /** Waits (up to 10 s) for the child's log: it handles the Ctrl+C on its own schedule. */
  childLog: () => Promise<string>;
}

describe.skipIf(skipReason !== undefined)('the Windows path (Win32 through koffi)', () => {
  let env: NodeJS.ProcessEnv = process.env;
  let nodeExe = process.execPath;
  let xvfb: Xvfb | undefined;
  const outDirs: string[] = [];

  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'cli.cjs'))) {
      throw new Error('dist/cli.cjs is missing: run `npm run build` first');
    }
    if (native) return;
    // The setup script prints `export NAME='value'` lines for the prefix and node.exe.
    const out = execFileSync('bash', [path.join(ROOT, 'scripts', 'wine', 'setup.sh')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const vars: Record<string, string> = {};
    for (const m of out.matchAll(/^export (\w+)='([^']*)'$/gm)) vars[m[1]!] = m[2]!;
    nodeExe = vars.SAFEKILL_WINE_NODE!;
    xvfb = await startXvfb('1024x768x24');
    env = {
      ...process.env,
      WINEPREFIX: vars.WINEPREFIX,
      WINEDEBUG: '-all',
      WINEDLLOVERRIDES: 'mscoree,mshtml=',
      DISPLAY: xvfb.display,
    };
  }, 180_000);

  afterAll(() => {
    if (!native && env.WINEPREFIX) {
      try {
        execFileSync('wineserver', ['-k'], { env, stdio: 'ignore', timeout: 20_000 });
      } catch {
        // Nothing was running.
      }
    }
    stopXvfb(xvfb);
    for (const d of outDirs) fs.rmSync(d, { recursive: true, force: true });
  });

  /** Starts the harness on one target and runs the given safekill commands on it, in order. */
  async function run(kind: string, ...commands: string[][]): Promise<Run> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-wine-'));
    outDirs.push(dir);
    const args = [
      HARNESS,
      native ? dir : winPath(dir),
      kind,
      ...commands.flatMap((c, i) => (i ? [';;', ...c] : c)),
    ];
    const log = fs.openSync(path.join(dir, 'harness.log'), 'w');
    const child = native
      ? spawn(process.execPath, args, { stdio: ['ignore', log, log] })
      : spawn('wine', [nodeExe, ...args], { stdio: ['ignore', log, log], env });
    const status = await new Promise<number | null>((resolve, reject) => {
      const t = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the harness did not finish: ${readOr(path.join(dir, 'harness.log'))}`));
      }, 90_000);
      child.on('exit', (code) => {
        clearTimeout(t);
        resolve(code);
      });
    });
    fs.closeSync(log);
    const harnessErr = readOr(path.join(dir, 'harness.err'));
    expect(harnessErr, 'harness error').toBe('');
    expect(status).toBe(0);
    return {
      target: JSON.parse(fs.readFileSync(path.join(dir, 'target.json'), 'utf8')),
      commands: commands.map((_, i) => ({
        ...(JSON.parse(fs.readFileSync(path.join(dir, `cli-${i}.json`), 'utf8')) as {
          status: number | null;
        }),
        stdout: readOr(path.join(dir, `cli-${i}.out`)),
        stderr: readOr(path.join(dir, `cli-${i}.err`)),
      })),
      targetLog: readOr(path.join(dir, 'ready.pid.log')),
      childLog: async () => {
        const file = path.join(dir, 'ready.pid.child.log');
        for (let i = 0; i < 200 && !readOr(file); i++) await new Promise((r) => setTimeout(r, 50));
        return readOr(file);
      },
    };
  }

  it('lists notepad under its parent, plans WM_CLOSE and closes it with WM_CLOSE', async () => {
    const r = await run(
      'notepad',
      ['list', '--json'],
      ['plan', '{pid}', '--json'],
      ['kill', '{pid}', '--json', '--grace', '5000'],
    );
    const [list, plan, kill] = r.commands;
    expect(list!.status, list!.stderr).toBe(0);
    const rows = JSON.parse(list!.stdout) as ProcessRow[];
    const notepad = rows.find((row) => row.pid === r.target.pid);
    expect(notepad).toMatchObject({
      ppid: r.target.harnessPid,
      name: 'notepad.exe',
      hasWindow: true,
      hasConsole: false,
    });
    expect(notepad!.cmdline.toLowerCase()).toMatch(/notepad\.exe$/);
    expect(notepad!.windowTitles?.some((t) => /notepad/i.test(t))).toBe(true);
    expect(notepad!.startedAt).toBeGreaterThan(Date.now() - 10 * 60_000);
    expect(notepad!.rssBytes).toBeGreaterThan(0);
    expect(notepad!.user).toMatch(/^[^\\]+\\[^\\]+$/); // DOMAIN\name, read from its token
    expect(notepad!.accessDenied).toBeUndefined();
    // The harness (a console program) is listed too, with its own parent link.
    expect(rows.find((row) => row.pid === r.target.harnessPid)?.hasConsole).toBe(true);

    expect(plan!.status, plan!.stderr).toBe(0);
    const planned = JSON.parse(plan!.stdout) as { plan: { steps: { strategy: string }[] } };
    expect(planned.plan.steps.map((s) => s.strategy)).toEqual(['wm-close', 'terminate']);

    expect(kill!.status, kill!.stderr).toBe(0);
    const events = parseEvents(kill!.stdout);
    expect(events.map((e) => e.type).filter((t) => t !== 'tick' && t !== 'notice')).toEqual([
      'plan',
      'step',
      'result',
    ]);
    // Wine's notepad takes about 2 s to exit once its window is gone, which may be reported;
    // nothing may claim it asked the user anything.
    for (const e of events) {
      if (e.type === 'notice') expect(e.message).toMatch(/^its windows are gone/);
    }
    expect(resultOf(events)).toMatchObject({
      pid: r.target.pid,
      outcome: 'exited',
      strategy: 'wm-close',
      exitCode: 0,
    });
  }, 120_000);

  it('pauses while notepad asks "Save changes?": no TerminateProcess while its dialog is open', async () => {
    const r = await run(
      'notepad-dirty',
      ['kill', '{pid}', '--json', '--grace', '1000', '--dialog-timeout', '4000'],
      ['kill', '{pid}', '--json', '--strategy', 'terminate'],
    );
    const [kill, cleanup] = r.commands;
    // Left running after the dialog wait (four times the grace): exit 4, nothing forced.
    expect(kill!.status, kill!.stderr).toBe(4);
    const events = parseEvents(kill!.stdout);
    expect(
      events.filter((e) => e.type === 'notice').map((n) => n.type === 'notice' && n.message),
    ).toEqual(['the program is asking the user: "Notepad" (a new window opened after WM_CLOSE)']);
    const order = events.filter((e) => e.type !== 'tick').map((e) => e.type);
    expect(order).toEqual(['plan', 'step', 'notice', 'waiting', 'result']);
    expect(resultOf(events)).toMatchObject({
      pid: r.target.pid,
      outcome: 'left-running',
      strategy: 'wm-close',
    });
    // Still there for the second command, which the test runs to clean up.
    expect(resultOf(parseEvents(cleanup!.stdout))).toMatchObject({ outcome: 'force-killed' });
  }, 120_000);

  it('ends a console program through the Ctrl+C helper, with the exit code it chose', async () => {
    const r = await run(
      'console-sigint',
      ['plan', '{pid}', '--json'],
      ['kill', '{pid}', '--json', '--grace', '5000'],
    );
    const [plan, kill] = r.commands;
    expect(plan!.status, plan!.stderr).toBe(0);
    const planned = JSON.parse(plan!.stdout) as {
      plan: { steps: { strategy: string }[]; alsoReaches?: number[] };
    };
    expect(planned.plan.steps.map((s) => s.strategy)).toEqual([
      'ctrl-c',
      'ctrl-break',
      'terminate',
    ]);
    // The target has a console of its own: nobody else would receive the Ctrl+C.
    expect(planned.plan.alsoReaches).toBeUndefined();

    expect(kill!.status, kill!.stderr).toBe(0);
    expect(resultOf(parseEvents(kill!.stdout))).toMatchObject({
      pid: r.target.pid,
      outcome: 'exited',
      strategy: 'ctrl-c',
      exitCode: 7,
    });
    expect(r.targetLog.trim().split(/\r?\n/)).toEqual(['SIGINT']);
  }, 120_000);

  it('names the processes sharing the console in the plan, as the Ctrl+C reaches them too', async () => {
    const r = await run(
      'console-shared',
      ['plan', '{pid}', '--json'],
      ['kill', '{pid}', '--json', '--grace', '5000'],
    );
    const [plan, kill] = r.commands;
    expect(r.target.childPids).toHaveLength(1);
    const [childPid] = r.target.childPids;
    expect(plan!.status, plan!.stderr).toBe(0);
    const planned = JSON.parse(plan!.stdout) as { plan: { alsoReaches?: number[] } };
    expect(planned.plan.alsoReaches).toEqual([childPid]);
    expect(kill!.status, kill!.stderr).toBe(0);
    expect(resultOf(parseEvents(kill!.stdout))).toMatchObject({
      pid: r.target.pid,
      outcome: 'exited',
      exitCode: 7,
    });
    // As the plan said: the child on the same console got the Ctrl+C as well.
    expect((await r.childLog()).trim()).toBe('SIGINT');
  }, 120_000);

  it('ends a console tree with --tree: each process its own ladder and result, waited on together', async () => {
    const r = await run('console-shared', ['kill', '{pid}', '--tree', '--json', '--grace', '5000']);
    const [kill] = r.commands;
    expect(kill!.status, kill!.stderr).toBe(0);
    const events = parseEvents(kill!.stdout);
    // The console host its parent made is not a target: it goes with the console.
    expect(events.filter((e) => e.type === 'plan').map((e) => e.pid)).toEqual([
      r.target.pid,
      ...r.target.childPids,
    ]);
    expect(r.target.childPids).toHaveLength(1);
    expectOneConsoleCtrlC(events, [r.target.pid, ...r.target.childPids]);
  }, 120_000);

  it('ends five processes on one console with --tree, by Ctrl+C with their own exit codes, none escalated', async () => {
    // Five ladders at once on one console: a helper must never be caught by another's Ctrl+C
    // (that turned a step into "skipped" and escalated to Ctrl+Break), and a ladder whose target
    // the first Ctrl+C already ended still reports its exit code.
    const r = await run('console-family', ['kill', '{pid}', '--tree', '--json', '--grace', '5000']);
    const [kill] = r.commands;
    expect(kill!.status, kill!.stderr).toBe(0);
    expect(r.target.childPids).toHaveLength(4);
    expectOneConsoleCtrlC(parseEvents(kill!.stdout), [r.target.pid, ...r.target.childPids]);
  }, 120_000);

  it('terminates a console program that ignores Ctrl+C after the grace period, exit code 1', async () => {
    const r = await run('console-ignore', ['kill', '{pid}', '--json', '--grace', '1500']);
    const [kill] = r.commands;
    expect(kill!.status, kill!.stderr).toBe(0);
    const events = parseEvents(kill!.stdout);
    const escalations = events.filter((e): e is Escalated => e.type === 'escalated');
    expect(escalations.map((e) => [e.from, e.to])).toEqual([
      ['ctrl-c', 'ctrl-break'],
      ['ctrl-break', 'terminate'],
    ]);
    expect(escalations[0]!.reason).toMatch(/still running after 1500 ms/);
    if (native) {
      expect(escalations[1]!.reason).toMatch(/still running after 1500 ms/);
      expect(r.targetLog).toMatch(/SIGINT[\s\S]*SIGBREAK/);
    } else {
      // Wine 8's console does not implement Ctrl+Break: the step is refused, not waited out.
      expect(escalations[1]!.reason).toMatch(/GenerateConsoleCtrlEvent failed/);
      expect(r.targetLog.trim().split(/\r?\n/)).toEqual(['SIGINT']);
    }
    expect(resultOf(events)).toMatchObject({
      pid: r.target.pid,
      outcome: 'force-killed',
      strategy: 'terminate',
      exitCode: 1,
    });
  }, 120_000);
});

type Escalated = Extract<KillEvent, { type: 'escalated' }>;

/**
 * One result per process on the console, each ended by the Ctrl+C with the code it chose (7), none
 * escalated. The
 * helpers run one at a time and a Ctrl+C reaches the whole console, so a process may be gone
 * before its own turn came: then nothing was sent to it, and the result says so.
 */
function expectOneConsoleCtrlC(events: KillEvent[], pids: number[]): void {
  const results = events.filter(
    (e): e is Extract<KillEvent, { type: 'result' }> => e.type === 'result',
  );
  const why = JSON.stringify(results, null, 1);
  expect(results.map((e) => e.pid).sort(), why).toEqual([...pids].sort());
  for (const e of results) {
    expect(e, why).toMatchObject({ outcome: 'exited', exitCode: 7 });
    if (e.strategy === undefined) {
      expect(e.reason).toBe('exited with code 7 before anything was sent');
    } else expect(e.strategy, why).toBe('ctrl-c');
  }
  expect(results.filter((e) => e.strategy === 'ctrl-c').length, why).toBeGreaterThan(0);
  expect(events.filter((e) => e.type === 'escalated')).toEqual([]);
}

function parseEvents(stdout: string): KillEvent[] {
  return stdout
    .split(/\r?\n/)
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as KillEvent);
}

function resultOf(events: KillEvent[]): KillResult | undefined {
  const results = events.filter((e) => e.type === 'result');
  expect(results).toHaveLength(1);
  return results[0];
}

function readOr(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** A Unix path as Wine's Z: drive sees it. */
function winPath(p: string): string {
  return 'Z:' + p.replace(/\//g, '\\');
}
