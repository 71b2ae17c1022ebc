import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { KillEvent } from '../../src-shared/kill';
import { helperArgv, parseHelperArgv } from '../../src-main/elevate/helper-request';
import { runElevated } from '../../src-main/elevate/pkexec-launch';
import { elevatedKill } from '../../src-main/elevate/elevated-kill';
import {
  ERROR_CANCELLED,
  quoteWindowsArg,
  runasCommandLine,
  runElevatedWin32,
} from '../../src-main/elevate/runas-launch';
import {
  ELECTRON_HELPER_FLAG,
  electronHelperRelay,
  windowsHelperCommand,
} from '../../src-main/elevate/windows-helper-command';

describe('the helper request', () => {
  it('round-trips pinned targets and the plan options', () => {
    const req = {
      targets: [{ pid: 42, startTime: 12345 }],
      strategy: 'signal:SIGINT' as const,
      graceMs: 800,
      tree: true,
    };
    expect(parseHelperArgv(helperArgv(req))).toEqual(req);
  });
  it.each([
    [['kill', '42']],
    [['kill', '42@x']],
    [['kill', '0@5']],
    [['kill', '42@5', '--strategy', 'x11-close']],
    [['kill', '42@5', '--strategy', 'wayland-close']],
    [['kill', '42@5', '--force-protected']],
    [['kill', '42@5', '--grace', '-1']],
    [['kill', '42@5', '--grace', '1', '--grace', '2']],
    [['kill', '42@5', '42@5']],
    [['kill']],
    [['list']],
  ])('refuses %j', (argv) => {
    expect(() => parseHelperArgv(argv)).toThrow(/helper:/);
  });
});

function fakeChild(): ChildProcess & { stdin: PassThrough; stdout: PassThrough } {
  const c = new EventEmitter() as ChildProcess & { stdin: PassThrough; stdout: PassThrough };
  Object.assign(c, {
    stdin: new PassThrough(),
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    kill: () => true,
  });
  return c;
}
const req = { targets: [{ pid: 42, startTime: 7 }], strategy: 'auto' as const, tree: false };

describe('the pkexec launcher', () => {
  it('passes the helper events on and runs pkexec with pinned targets', async () => {
    const c = fakeChild();
    let argv: string[] = [];
    const events: KillEvent[] = [];
    const p = runElevated(req, {
      onEvent: (e) => events.push(e),
      helperCommand: ['/usr/lib/safekill/safekill-helper'],
      spawn: (cmd, args) => {
        argv = [cmd, ...args];
        return c;
      },
    });
    c.stdout.write('{"type":"step","pid":42,"index":0}\nnot json\n');
    c.stdout.end('{"type":"result","pid":42,"outcome":"exited","elapsedMs":5,"reason":"ok"}\n');
    setTimeout(() => c.emit('close', 0, null), 10);
    const results = await p;
    expect(argv).toEqual([
      'pkexec',
      '/usr/lib/safekill/safekill-helper',
      'kill',
      '42@7',
      '--strategy',
      'auto',
    ]);
    expect(events.map((e) => e.type)).toEqual(['step', 'result']);
    expect(results).toMatchObject([{ pid: 42, outcome: 'exited' }]);
  });

  it('more targets than the helper takes are refused before pkexec asks for a password', async () => {
    let spawned = 0;
    const many = Array.from({ length: 257 }, (_, i) => ({ pid: 1000 + i, startTime: 7 }));
    const input = { targets: many, strategy: 'auto' as const, tree: false };
    // A helper that would refuse (exit 2) at once: the old launcher asked for the password first.
    const refusing = () => {
      spawned++;
      const c = fakeChild();
      setTimeout(() => c.emit('close', 2, null), 10);
      return c;
    };
    const run = elevatedKill(input, { onEvent: () => {}, spawn: refusing });
    await expect(run).rejects.toThrow(/at most 256 targets at once .*257 given.*no password/);
    expect(spawned).toBe(0);
    // As many as it takes go through.
    const c = fakeChild();
    const ok = elevatedKill(
      { ...input, targets: many.slice(0, 256) },
      { onEvent: () => {}, spawn: () => (spawned++, c) },
    );
    setTimeout(() => c.emit('close', 0, null), 10);
    await ok;
    expect(spawned).toBe(1);
  });

  it.each([126, 127])('a refused prompt (pkexec %i) is cancelled with its reason', async (code) => {
    const c = fakeChild();
    const p = runElevated(req, { onEvent: () => {}, spawn: () => c });
    (c.stderr as PassThrough).write('Error executing command as another user: Not authorized\n');
    setTimeout(() => c.emit('close', code, null), 10);
    const [r] = await p;
    expect(r).toMatchObject({ outcome: 'cancelled' });
    expect(r!.reason).toMatch(new RegExp(`pkexec exit ${code}: Error executing command`));
  });

  it('cancel at an unanswered prompt closes stdin and then ends pkexec: nothing hangs', async () => {
    const c = fakeChild();
    let killed = false;
    c.kill = () => {
      killed = true;
      setTimeout(() => c.emit('close', null, 'SIGTERM'), 1);
      return true;
    };
    const abort = new AbortController();
    const p = runElevated(req, {
      onEvent: () => {},
      spawn: () => c,
      signal: abort.signal,
      cancelGraceMs: 20,
    });
    abort.abort();
    const [r] = await p;
    expect(c.stdin.writableEnded).toBe(true);
    expect(killed).toBe(true);
    expect(r).toMatchObject({ outcome: 'cancelled' });
  });

  it('a helper that ends without a result is failed, not silent', async () => {
    const c = fakeChild();
    const p = runElevated(req, { onEvent: () => {}, spawn: () => c });
    c.stdout.write('{"type":"step","pid":42,"index":0}\n');
    setTimeout(() => c.emit('close', 1, null), 10);
    expect(await p).toMatchObject([{ outcome: 'failed', code: 'internal' }]);
  });
});

describe('the Windows runas launcher (against a fake ShellExecuteEx)', () => {
  const pipeName = () => path.join(os.tmpdir(), `sk-runas-${process.pid}-${Math.random()}`);

  it('a declined UAC prompt is cancelled', async () => {
    let params = '';
    const [r] = await runElevatedWin32(req, {
      onEvent: () => {},
      pipeName: pipeName(),
      helperCommand: ['C:\\Program Files\\SafeKill\\SafeKill.exe', 'helper'],
      shellExecute: (_f, p) => {
        params = p;
        return ERROR_CANCELLED;
      },
    });
    expect(r).toMatchObject({ outcome: 'cancelled' });
    expect(params).toMatch(/^helper --pipe \S+ kill 42@7 --strategy auto$/);
  });

  it('the elevated helper speaks over the pipe; closing it is the cancel', async () => {
    const { connect } = await import('node:net');
    const name = pipeName();
    const events: KillEvent[] = [];
    const results = await runElevatedWin32(req, {
      onEvent: (e) => events.push(e),
      pipeName: name,
      shellExecute: () => {
        const s = connect(name, () =>
          s.end(
            // What is not an event (a stray line, a JSON value of another shape) is not passed on.
            'hello\n{"note":1}\n7\n{"type":"result","pid":42,"outcome":"force-killed","elapsedMs":1,"reason":"x"}\n',
          ),
        );
        return 0;
      },
    });
    expect(results).toMatchObject([{ pid: 42, outcome: 'force-killed' }]);
    expect(events).toEqual([expect.objectContaining({ type: 'result', pid: 42 })]);
  });

  it('quotes arguments the way CommandLineToArgvW reads them', () => {
    expect(quoteWindowsArg('C:\\Program Files\\x.exe')).toBe('"C:\\Program Files\\x.exe"');
    expect(quoteWindowsArg('a"b')).toBe('"a\\"b"');
    expect(quoteWindowsArg('plain')).toBe('plain');
  });
});

/** CommandLineToArgvW's documented rules for the arguments after the program name. */
function commandLineToArgv(line: string): string[] {
  const out: string[] = [];
  let cur: string | undefined;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\') {
      let n = 0;
      for (; line[i] === '\\'; i++) n++;
      if (line[i] === '"') {
        cur = (cur ?? '') + '\\'.repeat(n >> 1);
        if (n % 2) cur += '"';
        else quoted = !quoted;
      } else {
        cur = (cur ?? '') + '\\'.repeat(n);
        i--;
      }
    } else if (c === '"') {
      if (quoted && line[i + 1] === '"') {
        cur = (cur ?? '') + '"';
        i++;
      } else {
        quoted = !quoted;
        cur ??= '';
      }
    } else if ((c === ' ' || c === '\t') && !quoted) {
      if (cur !== undefined) out.push(cur);
      cur = undefined;
    } else cur = (cur ?? '') + c;
  }
  if (cur !== undefined) out.push(cur);
  return out;
}

describe('the Windows helper command line', () => {
  const pipe = '\\\\.\\pipe\\safekill-elevate-' + '0'.repeat(32);

  it('reads back, through CommandLineToArgvW, as exactly the helper argv', () => {
    const awkward = [
      'C:\\Program Files\\SafeKill\\resources\\app.asar.unpacked\\dist\\cli.cjs',
      'C:\\dir with space\\',
      'say "hi"',
      'back\\\\"slash',
      '',
      'tab\there',
    ];
    const { file, parameters } = runasCommandLine(
      ['C:\\Program Files\\nodejs\\node.exe', ...awkward, 'helper'],
      pipe,
      {
        targets: [{ pid: 42, startTime: 7 }],
        strategy: 'signal:SIGTERM',
        graceMs: 100,
        tree: true,
      },
    );
    expect(file).toBe('C:\\Program Files\\nodejs\\node.exe');
    expect(commandLineToArgv(parameters)).toEqual([
      ...awkward,
      'helper',
      '--pipe',
      pipe,
      'kill',
      '42@7',
      '--strategy',
      'signal:SIGTERM',
      '--grace',
      '100',
      '--tree',
    ]);
  });

  it('runs node.exe on dist/cli.cjs under Node, whichever face is running', () => {
    expect(
      windowsHelperCommand({
        execPath: 'C:\\node\\node.exe',
        bundleDir: 'C:\\src\\safekill\\dist',
        electron: false,
      }),
    ).toEqual(['C:\\node\\node.exe', 'C:\\src\\safekill\\dist\\cli.cjs', 'helper']);
  });

  it('runs the packaged SafeKill.exe with the helper flag; it relays to cli.cjs as Node', () => {
    const exe = 'C:\\Program Files\\SafeKill\\SafeKill.exe';
    const dist = 'C:\\Program Files\\SafeKill\\resources\\app.asar\\dist';
    const command = windowsHelperCommand({ execPath: exe, bundleDir: dist, electron: true });
    expect(command).toEqual([exe, ELECTRON_HELPER_FLAG]);
    const relay = electronHelperRelay(exe, dist, [
      exe,
      ...command.slice(1),
      '--pipe',
      pipe,
      'kill',
      '42@7',
    ]);
    expect(relay).toEqual({
      file: exe,
      args: [
        expect.stringMatching(/app\.asar\.unpacked[\\/]dist[\\/]cli\.cjs$/),
        'helper',
        '--pipe',
        pipe,
        'kill',
        '42@7',
      ],
      env: { ELECTRON_RUN_AS_NODE: '1' },
    });
    // The app itself (no flag) is not relayed.
    expect(electronHelperRelay(exe, dist, [exe])).toBeUndefined();
  });
});
