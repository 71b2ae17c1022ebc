import type { DeliveryResult } from '../../../engine/escalation';
import type { TargetFacts } from '../../../../src-shared/process';
import type { CloseContext } from '../linux-target';
import { closeWindowsOf, hex, windowsOf } from './close-windows';
import { atoms, scanClients } from './discover';
import { x11Fact } from './display-env';
import { withSession } from './session';
import { observe, startWatch } from './window-watch';
import { watchWindows } from '../watch-windows';

export type Env = Record<string, string | undefined>;

/** Facts for the plan: which display, and the windows that accept WM_DELETE_WINDOW. */
export async function x11WindowFacts(
  pid: number,
  env: Env = process.env,
): Promise<Pick<TargetFacts, 'display' | 'closableWindows'>> {
  const r = await withSession((s) => {
    const at = atoms(s.x, s.d);
    const scan = scanClients(s, at);
    return { wm: scan.wm, windows: windowsOf(s, pid, at, scan) };
  }, env);
  if (!r.ok) return { display: r.display };
  return {
    display: x11Fact(r.name, r.value.wm),
    closableWindows: r.value.windows
      .filter((w) => w.acceptsDelete)
      .map((w) => ({ id: hex(w.id), title: w.title })),
  };
}

/**
 * Sends the close request, then watches the process's windows until the target is closed: a new
 * window (a "Save changes?" dialog) or windows gone while the process stays become notices.
 */
export async function x11CloseWindows(
  pid: number,
  ctx: CloseContext,
  env: Env = process.env,
): Promise<DeliveryResult> {
  const r = await withSession((s) => closeWindowsOf(s, pid, () => ctx.alive()), env);
  if (!r.ok) return { kind: 'skipped', reason: r.display.detail };
  if (r.value.result.kind === 'sent')
    watchWindows(
      ctx,
      startWatch(r.value.windows, Date.now()),
      async () => {
        const look = await withSession((s) => windowsOf(s, pid), env);
        return look.ok ? look.value : undefined;
      },
      observe,
    );
  return r.value.result;
}

/**
 * Raises and focuses one of `pid`'s windows (a dialog it is asking with). Only a window that
 * the server says is still `pid`'s is touched.
 */
export async function x11RaiseWindow(
  pid: number,
  windowId: string,
  env: Env = process.env,
): Promise<boolean> {
  const id = Number.parseInt(windowId, 16);
  if (!Number.isFinite(id)) return false;
  const r = await withSession((s) => {
    if (!windowsOf(s, pid).some((w) => w.id === id)) return false;
    const at = s.x.internAtom(s.d, '_NET_ACTIVE_WINDOW', false);
    const ok = s.x.activateWindow(s.d, id, at);
    s.x.sync(s.d);
    return ok;
  }, env);
  return r.ok && r.value;
}

/**
 * PIDs that own at least one top-level client window on the current display (for the process
 * table's "has windows"). One connection and a few round trips per window: about a millisecond
 * for a desktop's worth of windows. Empty when there is no reachable display.
 */
export async function x11WindowPids(env: Env = process.env): Promise<Set<number>> {
  const r = await withSession((s) => scanClients(s, undefined, { protocols: false }), env);
  const pids = new Set<number>();
  if (!r.ok) return pids;
  for (const w of r.value.windows) if (w.pid !== undefined) pids.add(w.pid);
  return pids;
}
