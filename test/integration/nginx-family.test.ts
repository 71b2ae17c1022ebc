import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isRunning, killQuietly, runCli, childrenOf } from '../helpers/processes';

const HAVE_NGINX = spawnSync('nginx', ['-v']).status === 0;
const holders: ChildProcess[] = [];
const started: number[] = [];

afterEach(() => {
  for (const pid of started.splice(0)) killQuietly(pid);
  holders.splice(0).forEach((h) => h.kill('SIGKILL'));
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** nginx in the foreground: a master and two workers on a free loopback port. */
async function nginx(): Promise<{ master: number; workers: number[]; port: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-nginx-'));
  const port = await freePort();
  fs.writeFileSync(
    path.join(dir, 'nginx.conf'),
    `worker_processes 2;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events {}
http {
  access_log off;
  client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir};
  uwsgi_temp_path ${dir}; scgi_temp_path ${dir};
  server { listen 127.0.0.1:${port}; location / { return 200 "ok\\n"; } }
}
`,
  );
  const p = spawn('nginx', ['-p', dir, '-c', `${dir}/nginx.conf`, '-g', 'daemon off;'], {
    stdio: 'ignore',
  });
  holders.push(p);
  started.push(p.pid!);
  // Bounded by vitest's timeout: startup speed is not what is tested.
  while (childrenOf(p.pid!).length < 2) await new Promise((r) => setTimeout(r, 20));
  const workers = childrenOf(p.pid!);
  started.push(...workers);
  return { master: p.pid!, workers, port };
}

describe.runIf(process.platform === 'linux' && HAVE_NGINX)('nginx: the whole family', () => {
  it('without --tree, workers left by a forced master are reported with the port they hold', async () => {
    const n = await nginx();
    const run = await runCli(['kill', '--json', '--strategy', 'signal:SIGKILL', String(n.master)]);
    expect(run.events.find((e) => e.type === 'result')).toMatchObject({ outcome: 'force-killed' });
    const ev = run.events.find((e) => e.type === 'survivors') as unknown as {
      survivors: { pid: number; name: string; ports: string[] }[];
    };
    expect(ev.survivors.map((s) => s.pid).sort()).toEqual([...n.workers].sort());
    for (const s of ev.survivors) {
      expect(s.name).toBe('nginx');
      expect(s.ports).toEqual([`tcp 127.0.0.1:${n.port}`]);
    }
    expect(run.code).toBe(5);
  });

  it('with --tree, the master goes first and nothing is left', async () => {
    const n = await nginx();
    const run = await runCli(['kill', '--json', '--tree', '--grace', '20000', String(n.master)]);
    const rs = run.events.filter((e) => e.type === 'result') as unknown as { pid: number }[];
    expect(rs[0]!.pid).toBe(n.master);
    expect(rs.map((r) => r.pid).sort()).toEqual([n.master, ...n.workers].sort());
    expect(run.events.some((e) => e.type === 'survivors')).toBe(false);
    expect(run.code).toBe(0);
    expect([n.master, ...n.workers].filter(isRunning)).toEqual([]);
  });
});
