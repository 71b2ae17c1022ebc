import { CompositorError, type CloseReply, type Compositor, type View } from './compositor';
import { GET_TREE, RUN_COMMAND, i3Request } from './i3-ipc';

/** A node of sway's GET_TREE reply, as far as it is read here. */
interface TreeNode {
  id?: number;
  type?: string;
  name?: string | null;
  pid?: number;
  shell?: string;
  nodes?: TreeNode[];
  floating_nodes?: TreeNode[];
}

/** Every view (a con or floating con with a client behind it) in a GET_TREE reply. */
export function viewsInTree(tree: unknown): View[] {
  const out: View[] = [];
  const walk = (n: TreeNode) => {
    if ((n.type === 'con' || n.type === 'floating_con') && typeof n.pid === 'number' && n.pid > 0) {
      out.push({
        id: String(n.id),
        title: n.name ?? '',
        pid: n.pid,
        xwayland: n.shell === 'xwayland',
      });
    }
    for (const c of [...(n.nodes ?? []), ...(n.floating_nodes ?? [])]) walk(c);
  };
  if (!tree || typeof tree !== 'object') throw new CompositorError('GET_TREE gave no tree');
  walk(tree as TreeNode);
  return out;
}

/**
 * The command that closes the native views of `pid`. `kill` sends xdg_toplevel.close, what the
 * close button does; the shell criterion leaves XWayland views to the X11 path.
 */
export function closeCommand(pid: number, views: View[]): string {
  // con_id pins each view matched a moment ago; pid guards against an id reused since.
  return views.map((v) => `[con_id=${Number(v.id)} pid=${pid} shell="xdg_shell"] kill`).join('; ');
}

interface CommandResult {
  success?: boolean;
  error?: string;
}

/** sway (and any i3-IPC compositor with the sway extensions) over $SWAYSOCK. */
export function swayCompositor(socket: string, timeoutMs?: number): Compositor {
  return {
    name: 'sway',
    detail: `sway's IPC socket ${socket} (i3-IPC: [pid=N] kill sends xdg_toplevel.close)`,
    views: async () => viewsInTree(await i3Request(socket, GET_TREE, '', timeoutMs)),
    async close(pid, views): Promise<CloseReply> {
      const reply = await i3Request(socket, RUN_COMMAND, closeCommand(pid, views), timeoutMs);
      if (!Array.isArray(reply)) throw new CompositorError('RUN_COMMAND gave no result list');
      const results = reply as CommandResult[];
      const closed = views.filter((_, i) => results[i]?.success === true);
      if (closed.length > 0) return { ok: true, closed };
      const why = results.find((r) => r.error)?.error ?? 'no view matched';
      return { ok: false, reason: `sway did not close them: ${why}` };
    },
  };
}
