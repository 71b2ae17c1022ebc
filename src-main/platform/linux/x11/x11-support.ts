import type { DeliveryResult } from '../../../engine/escalation';
import type { TargetFacts } from '../../../../src-shared/process';
import type { CloseContext } from '../linux-target';
import { closeWindowsOf, hex, windowsOf, type OwnWindow } from './close-windows';
import { atoms, scanClients } from './discover';
import { x11Fact } from './display-env';
import { withSession } from './session';
import { observe, startWatch } from './window-watch';

export type Env = Record<string, string | undefined>;

/** How often the windows are looked at after a close request. */
export const WATCH_INTERVAL_MS = 250;

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
  if (r.value.result.kind === 'sent') watchWindows(pid, r.value.windows, ctx, env);
  return r.value.result;
}

function watchWindows(pid: number, initial: OwnWindow[], ctx: CloseContext, env: Env): void {
  let state = startWatch(initial, Date.now());
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    if (stopped || !ctx.alive()) return;
    const r = await withSession((s) => windowsOf(s, pid), env).catch(() => undefined);
    if (stopped || !r?.ok) return schedule();
    const t = observe(state, r.value, Date.now());
    state = t.state;
    for (const n of t.notices) ctx.notify(n);
    if (t.dialog) ctx.dialog(t.dialog);
    schedule();
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void tick(), WATCH_INTERVAL_MS);
    timer.unref();
  };
  ctx.onClose(() => {
    stopped = true;
    clearTimeout(timer);
  });
  schedule();
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
