// X11 window discovery cost, for the process table's 1 Hz "has windows" refresh and for finding a
// target's windows. On a private Xvfb (with openbox) holding 30 client windows (10 xclock with
// _NET_WM_PID, 10 xeyes found through XRes, 10 koffi clients), measured in the same run:
//   x11WindowPids()            every PID with a window: connect, scan, disconnect
//   scan on an open connection the same scan without the connect (the main-thread share)
//   xdotool search --pid P     one PID's windows, the way shell tools find them
//   xprop per window           _NET_CLIENT_LIST then one xprop per window for _NET_WM_PID
import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { startXvfb } from '../test/fixtures/xvfb';
import { scanClients } from '../src-main/platform/linux/x11/discover';
import { closeSession, openSession } from '../src-main/platform/linux/x11/session';
import { x11WindowPids } from '../src-main/platform/linux/x11/x11-support';

const CLIENT = path.resolve(import.meta.dirname, '../test/fixtures/x11-client.cjs');
const N = 10;

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: s[Math.floor(s.length / 2)]!, p90: s[Math.floor(s.length * 0.9)]! };
}
const fmt = (ms: number) => `${ms.toFixed(3)} ms`;

async function timeIt(runs: number, fn: () => unknown): Promise<{ p50: number; p90: number }> {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    xs.push(performance.now() - t);
  }
  return stats(xs);
}

export async function run(): Promise<void> {
  if (spawnSync('which', ['Xvfb']).status !== 0) {
    console.log('skipped: Xvfb is not installed');
    return;
  }
  const procs: ChildProcess[] = [];
  try {
    const xvfb = await startXvfb();
    procs.push(xvfb.proc);
    const { display } = xvfb;
    const env = { ...process.env, DISPLAY: display };
    procs.push(spawn('openbox', ['--sm-disable'], { env, stdio: 'ignore' }));
    for (let i = 0; i < N; i++) {
      procs.push(spawn('xclock', [], { env, stdio: 'ignore' }));
      procs.push(spawn('xeyes', [], { env, stdio: 'ignore' }));
      procs.push(spawn(process.execPath, [CLIENT, 'ignore'], { env, stdio: 'ignore' }));
    }
    // Wait until every client has a window the scan attributes to it.
    const want = procs.slice(2).map((p) => p.pid!);
    for (let tries = 0; ; tries++) {
      const pids = await x11WindowPids({ DISPLAY: display });
      if (want.every((p) => pids.has(p))) break;
      if (tries > 400) throw new Error('clients did not all show up');
      await new Promise((r) => setTimeout(r, 50));
    }
    console.log(`display ${display}: openbox + ${3 * N} client windows`);

    const full = await timeIt(200, () => x11WindowPids({ DISPLAY: display }));
    const o = await openSession({ DISPLAY: display });
    if (!o.ok) throw new Error(o.display.detail);
    const scan = await timeIt(200, () => scanClients(o.session, undefined, { protocols: false }));
    closeSession(o.session);
    const one = want[0]!;
    const xdotool =
      spawnSync('which', ['xdotool']).status === 0
        ? await timeIt(20, () => execFileSync('xdotool', ['search', '--pid', String(one)], { env }))
        : undefined;
    const xprop = await timeIt(5, () => {
      const list = execFileSync('xprop', ['-root', '_NET_CLIENT_LIST'], { env }).toString();
      for (const id of list.match(/0x[0-9a-f]+/g) ?? []) {
        execFileSync('xprop', ['-id', id, '_NET_WM_PID'], { env });
      }
    });

    console.log(`x11WindowPids() (connect + scan):  p50 ${fmt(full.p50)}  p90 ${fmt(full.p90)}`);
    console.log(
      `scan on an open connection:        p50 ${fmt(scan.p50)}  p90 ${fmt(scan.p90)}  (synchronous share)`,
    );
    if (xdotool) {
      console.log(
        `xdotool search --pid (one PID):    p50 ${fmt(xdotool.p50)}  p90 ${fmt(xdotool.p90)}  → x11WindowPids is ${(xdotool.p50 / full.p50).toFixed(1)}× faster while answering for every PID`,
      );
    }
    console.log(
      `xprop per window (every PID):      p50 ${fmt(xprop.p50)}  p90 ${fmt(xprop.p90)}  → x11WindowPids is ${(xprop.p50 / full.p50).toFixed(0)}× faster`,
    );
    console.log(
      `at a 1 Hz refresh x11WindowPids costs ${((full.p50 / 1000) * 100).toFixed(2)}% of one core`,
    );
  } finally {
    // Clients first; Xvfb (first in the list) last, with SIGTERM so it removes its own lock file.
    const [server, ...clients] = procs;
    for (const p of clients.reverse()) p.kill('SIGKILL');
    server?.kill('SIGTERM');
  }
}
