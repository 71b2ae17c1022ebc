import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { childrenOf } from './processes';

export const HAVE_SUPERVISORD = spawnSync('supervisord', ['--version']).status === 0;
const holders: ChildProcess[] = [];

/** supervisord stops its program when it is asked to exit. */
export function stopSupervisords(): void {
  for (const h of holders.splice(0)) h.kill('SIGTERM');
}

/** supervisord in a temp dir, running one program "web" (`command`) that it restarts. */
export async function startSupervisord(
  command = '/usr/bin/sleep 1000',
): Promise<{ conf: string; sup: ChildProcess; web: number }> {
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
command=${command}
autorestart=true
startsecs=0
`,
  );
  const sup = spawn('supervisord', ['-c', conf], { stdio: 'ignore' });
  holders.push(sup);
  while (childrenOf(sup.pid!).length === 0) await new Promise((r) => setTimeout(r, 20));
  const [web] = childrenOf(sup.pid!);
  return { conf, sup, web: web! };
}
