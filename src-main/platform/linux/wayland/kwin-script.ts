/** Where the KWin script sends its answer: a method on SafeKill's own bus connection. */
export const REPLY_PATH = '/org/safekill/KWinReply';
export const REPLY_INTERFACE = 'org.safekill.KWinReply';
export const REPLY_MEMBER = 'Done';

export interface ScriptRequest {
  /** SafeKill's unique bus name (":1.42"), the script's callDBus destination. */
  replyTo: string;
  /** Pairs the answer with the request. */
  token: string;
  /** Only windows of this process; 0 = every window. */
  pid: number;
  /** Close these windows (KWin internalIds); none = only list. */
  close: string[];
}

/**
 * The KWin script (JavaScript, run by KWin's scripting engine) that lists windows and closes the
 * chosen ones with closeWindow(), which is what the title bar's close button calls. Plasma 6
 * names the list workspace.windowList(), Plasma 5 workspace.clientList(); the script asks for
 * whichever exists. Values go in as JSON literals, so no string from outside is ever code.
 */
export function kwinScript(r: ScriptRequest): string {
  const lit = (v: unknown) => JSON.stringify(v);
  return `(function () {
  var pid = ${lit(r.pid)};
  var toClose = ${lit(r.close)};
  var list = typeof workspace.windowList === "function" ? workspace.windowList() : workspace.clientList();
  var out = [];
  for (var i = 0; i < list.length; i++) {
    var w = list[i];
    if (!w || !w.pid || (pid !== 0 && w.pid !== pid)) continue;
    if (!(w.normalWindow || w.dialog)) continue;
    var view = { id: String(w.internalId), title: String(w.caption || ""), pid: w.pid };
    if (toClose.indexOf(view.id) >= 0 && w.closeable) {
      w.closeWindow();
      view.closed = true;
    }
    out.push(view);
  }
  callDBus(${lit(r.replyTo)}, ${lit(REPLY_PATH)}, ${lit(REPLY_INTERFACE)}, ${lit(REPLY_MEMBER)}, ${lit(r.token)}, JSON.stringify(out));
})();
`;
}
