import { spawn, execFileSync, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isRunning, runCli, childrenOf } from '../helpers/processes';

const HAVE = spawnSync('supervisord', ['--version']).status === 0;
const holders: ChildProcess[] = [];

afterEach(() => {
  // supervisord stops its program when it is asked to exit.
  for (const h of holders.splice(0)) h.kill('SIGTERM');
});

describe.runIf(process.platform === 'linux' && HAVE)('supervisord brings its program back', () => {
  it('names supervisord and the program in the plan, and reports the restart (exit 6)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-supervisord-'));
    const conf = path.join(dir, 'supervisord.conf');
    fs.writeFileSync(
      conf,
      `[supervisord]
nodaemon=true
logfile=${dir}/supervisord.log
pidfile=${dir}/supervisord.pid
[unix_http_server]
file=${dir}/supervisor.sock
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
[supervisorctl]
serverurl=unix://${dir}/supervisor.sock
[program:web]
command=/usr/bin/sleep 1000
autorestart=true
startsecs=0
`,
    );
    const sup = spawn('supervisord', ['-c', conf], { stdio: 'ignore' });
    holders.push(sup);
    while (childrenOf(sup.pid!).length === 0) await new Promise((r) => setTimeout(r, 20));
    const [web] = childrenOf(sup.pid!);

    const run = await runCli(['kill', '--json', String(web)]);
    const plan = run.events.find((e) => e.type === 'plan') as unknown as {
      plan: { supervisor: { kind: string; who: string; pid: number; stop: { command: string[] } } };
    };
    expect(plan.plan.supervisor).toMatchObject({
      kind: 'supervisord',
      who: `supervisord (PID ${sup.pid}), program web`,
      pid: sup.pid,
      stop: { command: ['supervisorctl', 'stop', 'web'] },
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
});
