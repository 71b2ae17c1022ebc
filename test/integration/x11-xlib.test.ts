import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeSession, openSession } from '../../src-main/platform/linux/x11/session';
import { atoms, scanClients } from '../../src-main/platform/linux/x11/discover';
import { startXvfb, stopAll } from '../fixtures/x11-server';

const hasXvfb = process.platform === 'linux' && spawnSync('which', ['Xvfb']).status === 0;

afterAll(stopAll);

async function open(env: { DISPLAY: string }) {
  const o = await openSession(env);
  if (!o.ok) throw new Error(o.display.detail);
  return o.session;
}

describe.runIf(hasXvfb)('the Xlib layer survives what would end an Xlib program', () => {
  it('records a BadWindow instead of exiting, and answers "gone"', async () => {
    const x = await startXvfb();
    const s = await open(x.env);
    try {
      const at = atoms(s.x, s.d);
      const missing = 0x3fffff1;
      expect(s.x.getProperty(s.d, missing, at.netWmPid)).toBeUndefined();
      expect(s.x.queryTree(s.d, missing)).toBeUndefined();
      expect(s.x.attributes(s.d, missing)).toBeUndefined();
      s.x.sync(s.d);
      const errors = s.x.takeErrors(s.d);
      expect(errors.map((e) => [e.code, e.resource])).toEqual([
        [3, missing], // BadWindow from GetProperty
        [3, missing], // QueryTree
        [3, missing], // GetWindowAttributes
      ]);
      expect(s.x.takeErrors(s.d)).toEqual([]);
    } finally {
      closeSession(s);
    }
  });

  it('keeps running when the X server dies under an open connection', async () => {
    const x = await startXvfb();
    const s = await open(x.env);
    process.kill(x.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    // Default Xlib would call exit(1) here; this process must carry on.
    const scan = scanClients(s);
    expect(scan.windows).toEqual([]);
    expect(s.x.isLost(s.d)).toBe(true);
    closeSession(s);
  });

  it('answers "unreachable" for a display where no server listens', async () => {
    // Not the number of a server killed above: Xvfb -displayfd hands freed numbers out again, so
    // another test file's server may own it by now. Xvfb picks numbers from 0 up; this is far off.
    let n = 5000;
    while (fs.existsSync(`/tmp/.X11-unix/X${n}`) || fs.existsSync(`/tmp/.X${n}-lock`)) n++;
    const o = await openSession({ DISPLAY: `:${n}` });
    expect(o.ok).toBe(false);
    // Refused at once, not given up on after the open timeout.
    if (!o.ok) expect(o.display.detail).toContain('no X server accepts connections there');
  });

  it("passes errors on another Xlib user's display to that user's own handler", async () => {
    const x = await startXvfb();
    const script = path.resolve(import.meta.dirname, '../fixtures/x11-handler-chain.ts');
    const out = execFileSync(process.execPath, ['--import', 'tsx', script], {
      env: { ...process.env, ...x.env },
      cwd: path.resolve(import.meta.dirname, '../..'),
    }).toString();
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({
      oursSaw: [3], // BadWindow, recorded by SafeKill
      otherBefore: 0, // ...and not shown to the other user
      otherSaw: [3], // the other user's BadWindow reached its handler
      leaked: 0, // ...and was not recorded as SafeKill's
    });
  });
});
