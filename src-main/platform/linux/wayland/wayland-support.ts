import type { TargetFacts } from '../../../../src-shared/process';
import type { DeliveryResult } from '../../../engine/escalation';
import type { CloseContext, WindowCloser } from '../linux-target';
import type { Compositor, View } from './compositor';
import type { Env } from './detect';
import { reachCompositor } from './session';
import { observe, startWatch } from './window-watch';
import { watchWindows } from '../watch-windows';

const describe = (vs: View[]) =>
  vs.map((v) => (v.title ? JSON.stringify(v.title) : `untitled view ${v.id}`)).join(', ');

/** SafeKill's own windows are never asked to close (the app itself is protected as on X11). */
const isOwn = (pid: number) => pid === process.pid;

/** The views of `pid` the compositor itself should ask (XWayland ones go the X11 way). */
function closable(c: Compositor, views: View[], pid: number): View[] {
  return views.filter((v) => v.pid === pid && (c.closesXwayland || !v.xwayland));
}

/** Facts for the plan: which compositor, and the windows of `pid` it can ask to close. */
export async function waylandWindowFacts(
  pid: number,
  env: Env = process.env,
): Promise<Pick<TargetFacts, 'wayland'>> {
  const r = await reachCompositor(env);
  if (!r.ok) return r.wayland ? { wayland: { detail: r.detail, windows: [] } } : {};
  const c = r.compositor;
  try {
    const views = isOwn(pid) ? [] : closable(c, await c.views(), pid);
    return {
      wayland: {
        compositor: c.name,
        detail: c.detail,
        windows: views.map((v) => ({ id: v.id, title: v.title })),
      },
    };
  } catch (e) {
    return {
      wayland: { detail: `${c.name} cannot be used: ${(e as Error).message}`, windows: [] },
    };
  }
}

/**
 * Asks the compositor to close the windows of `pid`, then watches its views until the target is
 * closed: a new one (a "Save changes?" dialog) or all gone while the process stays are notices.
 * An XWayland window of the same process gets WM_DELETE_WINDOW from `x11` in the same step.
 */
export async function waylandCloseWindows(
  pid: number,
  ctx: CloseContext,
  env: Env = process.env,
  x11?: WindowCloser,
): Promise<DeliveryResult> {
  if (isOwn(pid)) return { kind: 'skipped', reason: "these are SafeKill's own windows" };
  const own = await compositorClose(pid, ctx, env);
  if (own.kind === 'gone' || !x11 || own.closesXwayland) return own.result;
  return merge(own.result, await x11(pid, ctx));
}

async function compositorClose(
  pid: number,
  ctx: CloseContext,
  env: Env,
): Promise<{ kind: DeliveryResult['kind']; result: DeliveryResult; closesXwayland?: boolean }> {
  const done = (result: DeliveryResult, closesXwayland?: boolean) => ({
    kind: result.kind,
    result,
    closesXwayland,
  });
  const r = await reachCompositor(env);
  if (!r.ok) return done({ kind: 'skipped', reason: r.detail });
  const c = r.compositor;
  try {
    const all = await c.views();
    const mine = all.filter((v) => v.pid === pid);
    const targets = closable(c, all, pid);
    // Matched first, then checked: while the pinned process lives its PID names no one else.
    if (!ctx.alive()) return done({ kind: 'gone' }, c.closesXwayland);
    if (targets.length === 0) {
      return done(
        { kind: 'skipped', reason: `PID ${pid} has no window on ${c.name} any more` },
        c.closesXwayland,
      );
    }
    const reply = await c.close(pid, targets);
    if (!reply.ok) return done({ kind: 'skipped', reason: reply.reason }, c.closesXwayland);
    watchWindows(
      ctx,
      startWatch(mine, Date.now()),
      async () => (await c.views()).filter((v) => v.pid === pid),
      observe,
      c.watchIntervalMs,
    );
    const n = reply.closed.length;
    return done(
      {
        kind: 'sent',
        notice: `asked ${c.name} to close ${n === 1 ? '1 window' : `${n} windows`} (${describe(reply.closed)})`,
      },
      c.closesXwayland,
    );
  } catch (e) {
    return done(
      { kind: 'skipped', reason: `${c.name} cannot be used: ${(e as Error).message}` },
      c.closesXwayland,
    );
  }
}

/** One step, two routes: sent if either route sent, with both notices. */
export function merge(w: DeliveryResult, x: DeliveryResult): DeliveryResult {
  if (w.kind === 'sent' && x.kind === 'sent') {
    const notice = [w.notice, x.notice].filter(Boolean).join('; ');
    return notice ? { kind: 'sent', notice } : { kind: 'sent' };
  }
  if (w.kind === 'sent') return w;
  if (x.kind === 'sent' || x.kind === 'gone') return x;
  return w;
}

/** PIDs with at least one view on the compositor (the table's "has windows"); empty without one. */
export async function waylandWindowPids(env: Env = process.env): Promise<Set<number>> {
  const r = await reachCompositor(env);
  const pids = new Set<number>();
  if (!r.ok) return pids;
  for (const v of await r.compositor.views().catch(() => [])) pids.add(v.pid);
  return pids;
}

/** For `doctor`: which compositor path is in use, or why there is none. */
export async function waylandReport(env: Env = process.env): Promise<string> {
  const r = await reachCompositor(env);
  if (!r.ok) return r.detail;
  try {
    const n = (await r.compositor.views()).length;
    return `${r.compositor.name}: ${r.compositor.detail}; it answers (${n} window${n === 1 ? '' : 's'})`;
  } catch (e) {
    return `${r.compositor.name}: ${r.compositor.detail}; it does not answer: ${(e as Error).message}`;
  }
}
