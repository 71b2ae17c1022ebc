// Plans that follow what the program does with signals, and shutdown profiles, against real
// programs from Debian (nano, tmux, nginx, PostgreSQL). Every process signalled here is one this
// file started.
import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  canSwitchUser,
  cleanupHolders,
  killQuietly,
  runCli,
  spawnTarget,
  tmpFile,
} from '../helpers/processes';

type Plan = {
  steps: { strategy: string; reason: string; graceMs: number }[];
  summary: string;
  dispositions?: { caught: string[]; ignored: string[]; blocked: string[] };
  profile?: { id: string };
  nativeStop?: { command: string[] };
};

const toKill: number[] = [];
const cleanups: (() => void)[] = [];
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-data-'));
// No profiles.json of the machine's user can change what these tests see.
const env = { SAFEKILL_DATA_DIR: dataDir };

afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
  for (const pid of toKill.splice(0)) killQuietly(pid);
});
afterAll(cleanupHolders);

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

async function planOf(pid: number, extra: string[] = []): Promise<Plan> {
  const run = await runCli(['plan', '--json', ...extra, String(pid)], { env });
  expect(run.stderr).toBe('');
  return (JSON.parse(run.stdout) as { plan: Plan }).plan;
}

function results(events: { type: string }[]) {
  return events.filter((e) => e.type === 'result') as unknown as {
    outcome: string;
    strategy?: string;
    exitCode?: number;
    elapsedMs: number;
  }[];
}

function stateOf(pid: number): string {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  return stat.charAt(stat.lastIndexOf(')') + 2);
}

async function until(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => child.once('exit', () => r()));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

describe.runIf(process.platform === 'linux')('signal dispositions in the plan', () => {
  it('a stopped target that handles SIGTERM gets SIGCONT and exits within the grace', async () => {
    const marker = tmpFile('marker');
    const t = await spawnTarget(['--marker', marker]);
    const pid = t.pids[0]!;
    toKill.push(pid);
    process.kill(pid, 'SIGSTOP');
    await until('the target to stop', () => stateOf(pid) === 'T');
    const run = await runCli(['kill', '--json', '--grace', '20000', String(pid)], { env });
    expect(run.stderr).toBe('');
    const plan = (run.events.find((e) => e.type === 'plan') as unknown as { plan: Plan }).plan;
    expect(plan.steps[0]).toMatchObject({ strategy: 'signal:SIGTERM' });
    expect(plan.steps[0]!.reason).toMatch(/stopped \(state T\), so SIGCONT follows/);
    const [r] = results(run.events);
    expect(r).toMatchObject({ strategy: 'signal:SIGTERM', exitCode: 0 });
    expect(r!.outcome).not.toBe('force-killed');
    expect(r!.elapsedMs).toBeLessThan(20_000);
    expect(fs.readFileSync(marker, 'utf8')).toContain('SIGTERM cleanup');
  });

  it('says that a program with no handler will end at once without cleanup', async () => {
    // spawn() resets dispositions: sleep catches nothing.
    const child = spawn('sleep', ['3600'], { stdio: 'ignore' });
    toKill.push(child.pid!);
    await until('sleep to start', () => fs.existsSync(`/proc/${child.pid}/status`));
    const plan = await planOf(child.pid!);
    expect(plan.dispositions?.caught).not.toContain('SIGTERM');
    expect(plan.steps[0]!.strategy).toBe('signal:SIGTERM');
    expect(plan.steps[0]!.reason).toMatch(
      /catches none of .*SIGTERM will end it at once, without cleanup/,
    );
    expect(plan.summary).toMatch(/no handler, so it ends at once without cleanup/);
  });

  it('the CLI plan prints what the process catches and ignores', async () => {
    const child = spawn(
      'sh',
      ['-c', 'trap "" INT; trap "exit 0" TERM; while :; do sleep 1; done'],
      {
        stdio: 'ignore',
      },
    );
    toKill.push(child.pid!);
    await until('sh to set its traps', () => {
      const s = fs.readFileSync(`/proc/${child.pid}/status`, 'latin1');
      return (
        /SigIgn:\s*0*[0-9a-f]*[2367abef]$/m.test(s) &&
        /SigCgt:\s*[0-9a-f]*[4-7c-f][0-9a-f]{3}$/m.test(s)
      );
    });
    const run = await runCli(['plan', String(child.pid)], { env });
    expect(run.stdout).toMatch(/^ {2}catches: .*SIGTERM/m);
    expect(run.stdout).toMatch(/^ {2}ignores: .*SIGINT/m);
    // Asked for the ignored SIGINT: the plan replaces it and says why.
    const plan = await planOf(child.pid!, ['--strategy', 'signal:SIGINT']);
    expect(plan.steps.map((s) => s.strategy)).toEqual(['signal:SIGTERM', 'signal:SIGKILL']);
    expect(plan.steps[0]!.reason).toMatch(/you asked for SIGINT, but it ignores SIGINT/);
  });
});

describe.runIf(process.platform === 'linux')('profiles.json and tracers', () => {
  it('a user profile is followed, and a bad entry is a warning naming file, entry and field', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-userprof-'));
    const file = path.join(dir, 'profiles.json');
    fs.writeFileSync(
      file,
      JSON.stringify([
        { id: 'broken', name: 'Broken', match: { comm: ['sh'] }, source: 'x' },
        {
          id: 'tidy-sh',
          name: 'A tidy shell loop',
          match: { comm: ['sh'] },
          steps: [{ signal: 'SIGINT', graceMs: 1234, reason: 'this loop exits 0 on SIGINT' }],
          source: 'this test',
        },
      ]),
    );
    const child = spawn('sh', ['-c', 'trap "exit 0" INT; while :; do sleep 1; done'], {
      stdio: 'ignore',
    });
    toKill.push(child.pid!);
    await until('sh to set its trap', () =>
      /SigCgt:\s*[0-9a-f]*[2367abef]$/m.test(
        fs.readFileSync(`/proc/${child.pid}/status`, 'latin1'),
      ),
    );
    const run = await runCli(['plan', '--json', String(child.pid)], {
      env: { SAFEKILL_DATA_DIR: dir },
    });
    const plan = (JSON.parse(run.stdout) as { plan: Plan & { warnings?: string[] } }).plan;
    expect(plan.steps[0]).toMatchObject({ strategy: 'signal:SIGINT', graceMs: 1234 });
    expect(plan.steps[0]!.reason).toBe('this loop exits 0 on SIGINT (this test)');
    expect(plan.warnings).toEqual([expect.stringMatching(/entry 1 \("broken"\): field steps: /)]);
    expect(plan.warnings![0]!.startsWith(`${file}: `)).toBe(true);
    const text = await runCli(['plan', String(child.pid)], { env: { SAFEKILL_DATA_DIR: dir } });
    expect(text.stdout).toContain(`warning: ${file}: entry 1 ("broken")`);
  });

  it('a target held stopped by a tracer is named with its tracer', async (ctx) => {
    const target = spawn('sleep', ['3600'], { stdio: 'ignore' });
    toKill.push(target.pid!);
    // A minimal tracer: PTRACE_ATTACH (16), which stops the tracee, then wait for that stop.
    const tracer = spawn(
      'python3',
      [
        '-c',
        'import ctypes, os, sys, time\n' +
          'libc = ctypes.CDLL(None, use_errno=True)\n' +
          'pid = int(sys.argv[1])\n' +
          'if libc.ptrace(16, pid, 0, 0) != 0: sys.exit("ptrace: errno %d" % ctypes.get_errno())\n' +
          'os.waitpid(pid, 0x40000000)\n' +
          'print("attached", flush=True)\n' +
          'time.sleep(3600)\n',
        String(target.pid),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    toKill.push(tracer.pid!);
    const attached = await new Promise<boolean>((resolve) => {
      tracer.stdout!.once('data', () => resolve(true));
      tracer.once('exit', () => resolve(false));
    });
    // Only where this machine forbids ptrace (Yama, a seccomp profile): nothing to test then.
    if (!attached) ctx.skip('ptrace is not permitted here');
    expect(stateOf(target.pid!)).toBe('t');
    const plan = await planOf(target.pid!);
    expect(plan.summary).toContain(`held stopped by its tracer python3 (PID ${tracer.pid})`);
    expect(plan.steps[0]!.reason).toMatch(
      /\(SIGCONT cannot release it\), but SIGKILL still ends it/,
    );
    expect(plan.steps[0]!.reason).not.toMatch(/SIGCONT follows/);
  });
});

describe.runIf(process.platform === 'linux' && has('nano') && has('tmux'))('nano in tmux', () => {
  it('a chosen SIGINT (which nano ignores) is replaced by one it catches, and nano writes its .save file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-nano-'));
    const sock = path.join(dir, 'tmux.sock');
    const file = path.join(dir, 'notes.txt');
    const tmux = (...args: string[]) =>
      execFileSync('tmux', ['-S', sock, '-f', '/dev/null', ...args], {
        env: { ...process.env, TERM: 'xterm' },
        encoding: 'utf8',
      });
    tmux('new-session', '-d', '-x', '80', '-y', '24', `exec nano ${file}`);
    cleanups.push(() => spawnSync('tmux', ['-S', sock, 'kill-server']));
    const pid = Number(tmux('list-panes', '-F', '#{pane_pid}').trim());
    toKill.push(pid);
    await until('nano to take over its terminal', () =>
      /SigIgn:\s*[0-9a-f]*[2367abef]$/m.test(fs.readFileSync(`/proc/${pid}/status`, 'latin1')),
    );
    tmux('send-keys', '-t', '0', 'unsaved words');
    await until('nano to show the text', () =>
      tmux('capture-pane', '-p').includes('unsaved words'),
    );

    const run = await runCli(
      ['kill', '--json', '--strategy', 'signal:SIGINT', '--grace', '10000', String(pid)],
      {
        env,
      },
    );
    expect(run.stderr).toBe('');
    const plan = (run.events.find((e) => e.type === 'plan') as unknown as { plan: Plan }).plan;
    expect(['signal:SIGTERM', 'signal:SIGHUP']).toContain(plan.steps[0]!.strategy);
    expect(plan.steps[0]!.reason).toMatch(/you asked for SIGINT, but it ignores SIGINT/);
    expect(plan.dispositions?.ignored).toContain('SIGINT');
    const [r] = results(run.events);
    expect(r!.outcome).not.toBe('force-killed');
    expect(r!.strategy).toBe(plan.steps[0]!.strategy);
    expect(fs.readFileSync(`${file}.save`, 'utf8')).toContain('unsaved words');
  });
});

describe.runIf(process.platform === 'linux' && fs.existsSync('/usr/sbin/nginx'))('nginx', () => {
  it('the master is planned with SIGQUIT (graceful), never SIGHUP (reload); a slow download in flight completes', async () => {
    const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-nginx-'));
    fs.chmodSync(prefix, 0o755);
    const port = await freePort();
    fs.writeFileSync(
      path.join(prefix, 'nginx.conf'),
      [
        'daemon off;',
        'worker_processes 2;',
        `pid ${prefix}/nginx.pid;`,
        `error_log ${prefix}/error.log;`,
        'events { worker_connections 64; }',
        'http {',
        `  access_log ${prefix}/access.log;`,
        `  client_body_temp_path ${prefix}/body; proxy_temp_path ${prefix}/proxy;`,
        `  fastcgi_temp_path ${prefix}/fcgi; uwsgi_temp_path ${prefix}/uwsgi; scgi_temp_path ${prefix}/scgi;`,
        `  server { listen 127.0.0.1:${port}; root ${prefix}; limit_rate 8m; }`,
        '}',
      ].join('\n'),
    );
    const master = spawn('/usr/sbin/nginx', ['-p', prefix, '-c', path.join(prefix, 'nginx.conf')], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    toKill.push(master.pid!);
    cleanups.push(() => spawnSync('pkill', ['-KILL', '-P', String(master.pid)]));
    await until('nginx to listen', () => fs.existsSync(path.join(prefix, 'nginx.pid')));
    await until('nginx to catch its signals', () =>
      /SigCgt:\s*[0-9a-f]*[4-7c-f][0-9a-f]{3}$/m.test(
        fs.readFileSync(`/proc/${master.pid}/status`, 'latin1'),
      ),
    );

    const plan = await planOf(master.pid!);
    expect(plan.profile?.id).toBe('nginx');
    expect(plan.steps[0]!.strategy).toBe('signal:SIGQUIT');
    expect(plan.steps[0]!.reason).toMatch(/graceful shutdown/);
    for (const s of plan.steps) {
      expect(s.strategy).not.toBe('signal:SIGHUP');
      expect(s.reason).not.toMatch(/save and exit|core dump/);
    }
    expect(plan.nativeStop?.command).toEqual([
      '/usr/sbin/nginx',
      '-p',
      prefix,
      '-c',
      path.join(prefix, 'nginx.conf'),
      '-s',
      'quit',
    ]);
    const hup = await planOf(master.pid!, ['--strategy', 'signal:SIGHUP']);
    expect(hup.steps[0]!.strategy).toBe('signal:SIGQUIT');
    expect(hup.steps[0]!.reason).toMatch(
      /you asked for SIGHUP, but nginx rereads its configuration/,
    );

    // A 24 MB download at 8 MB/s is in flight when the master is asked to stop.
    fs.writeFileSync(path.join(prefix, 'big.bin'), Buffer.alloc(24 << 20, 7));
    const got = path.join(prefix, 'got.bin');
    const curl = spawn('curl', ['-sS', '-o', got, `http://127.0.0.1:${port}/big.bin`], {
      stdio: 'ignore',
    });
    const curlDone = new Promise<number | null>((res) => curl.on('exit', res));
    await until('the download to start', () => fs.existsSync(got) && fs.statSync(got).size > 0);
    const run = await runCli(['kill', '--json', String(master.pid)], { env });
    const [r] = results(run.events);
    expect(r).toMatchObject({ strategy: 'signal:SIGQUIT' });
    expect(r!.outcome).not.toBe('force-killed');
    expect(await curlDone).toBe(0);
    expect(fs.statSync(got).size).toBe(24 << 20);
    await exited(master);
  });
});

function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return undefined;
  const v = fs
    .readdirSync(root)
    .filter((d) => fs.existsSync(path.join(root, d, 'bin/postgres')))
    .sort((a, b) => Number(b) - Number(a))[0];
  return v ? path.join(root, v, 'bin') : undefined;
}
const PG = postgresBin();
const hasPostgresUser = spawnSync('id', ['postgres']).status === 0;

describe.runIf(process.platform === 'linux' && PG && hasPostgresUser && canSwitchUser())(
  'PostgreSQL',
  () => {
    const asPostgres = (cmd: string, args: string[]) => [
      '--reuid=postgres',
      '--regid=postgres',
      '--clear-groups',
      cmd,
      ...args,
    ];

    it(
      'default kill with a client inside a transaction: SIGINT (fast shutdown), clean, no recovery on the next start',
      { timeout: 120_000 },
      async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-pg-'));
        fs.chmodSync(dir, 0o755);
        const data = path.join(dir, 'data');
        const sock = path.join(dir, 'sock');
        fs.mkdirSync(sock);
        execFileSync('chown', ['-R', 'postgres:postgres', dir]);
        execFileSync(
          'setpriv',
          asPostgres(path.join(PG!, 'initdb'), [
            '-D',
            data,
            '-A',
            'trust',
            '-U',
            'postgres',
            '--no-sync',
          ]),
          { stdio: 'ignore' },
        );
        const port = String(await freePort());
        const start = (log: string) => {
          const fd = fs.openSync(path.join(dir, log), 'w');
          const child = spawn(
            'setpriv',
            asPostgres(path.join(PG!, 'postgres'), [
              '-D',
              data,
              '-k',
              sock,
              '-p',
              port,
              '-c',
              'listen_addresses=127.0.0.1',
            ]),
            { stdio: ['ignore', fd, fd] },
          );
          fs.closeSync(fd);
          toKill.push(child.pid!);
          cleanups.push(() => {
            // Children of a killed postmaster would linger: end the server's whole group of processes.
            spawnSync('pkill', ['-KILL', '-P', String(child.pid)]);
          });
          return child;
        };
        const ready = (log: string) => async () =>
          until(
            'postgres to accept connections',
            () =>
              fs.readFileSync(path.join(dir, log), 'utf8').includes('ready to accept connections'),
            60_000,
          );

        const server = start('first.log');
        await ready('first.log')();
        const psql = spawn(
          'setpriv',
          asPostgres(path.join(PG!, 'psql'), [
            '-h',
            sock,
            '-p',
            port,
            '-U',
            'postgres',
            '-X',
            '-q',
            'postgres',
          ]),
          { stdio: ['pipe', 'pipe', 'pipe'] },
        );
        toKill.push(psql.pid!);
        let out = '';
        psql.stdout!.on('data', (d: Buffer) => (out += d.toString()));
        psql.stdin!.write(
          "BEGIN; CREATE TABLE t (x int); INSERT INTO t VALUES (1); SELECT 'in-transaction';\n",
        );
        await until('psql to be inside its transaction', () => out.includes('in-transaction'));

        const run = await runCli(['kill', '--json', String(server.pid)], { env });
        expect(run.stderr).toBe('');
        const plan = (run.events.find((e) => e.type === 'plan') as unknown as { plan: Plan }).plan;
        expect(plan.profile?.id).toBe('postgresql');
        expect(plan.steps[0]!.strategy).toBe('signal:SIGINT');
        expect(plan.nativeStop?.command).toEqual(
          expect.arrayContaining(['stop', '-m', 'fast', '-D', data]),
        );
        const [r] = results(run.events);
        expect(r).toMatchObject({ strategy: 'signal:SIGINT' });
        expect(r!.outcome).not.toBe('force-killed');
        expect(r!.elapsedMs).toBeLessThan(plan.steps[0]!.graceMs);
        await exited(server);
        psql.stdin!.end();
        await exited(psql);

        // The next start finds a clean shutdown: no crash recovery.
        const again = start('second.log');
        await ready('second.log')();
        const log = fs.readFileSync(path.join(dir, 'second.log'), 'utf8');
        expect(log).not.toMatch(/not properly shut down|automatic recovery|redo starts/);
        again.kill('SIGINT'); // our own child: its fast shutdown
        await exited(again);
      },
    );
  },
);
