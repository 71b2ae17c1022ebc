// net is loaded when a display is first probed: every kill's description imports this file.
import type net from 'node:net';

/** Where a DISPLAY string points: a local socket, or a TCP port on some host. */
export type DisplayAddress =
  { kind: 'unix'; paths: string[] } | { kind: 'tcp'; host: string; port: number };

/** Parses `[host]:number[.screen]`; undefined for forms this probe does not know. */
export function displayAddress(display: string): DisplayAddress | undefined {
  const m = /^(.*):(\d+)(?:\.\d+)?$/.exec(display);
  if (!m) return undefined;
  const [, host = '', num] = m;
  if (host === '' || host === 'unix') {
    const path = `/tmp/.X11-unix/X${num}`;
    // The file first, then Linux's abstract socket of the same name (Xlib tries both).
    return { kind: 'unix', paths: [path, `\0${path}`] };
  }
  return { kind: 'tcp', host: host.replace(/^\[(.*)\]$/, '$1'), port: 6000 + Number(num) };
}

export type ProbeResult = 'answers' | 'refused' | 'timeout';

/**
 * Asks the X server for a connection setup without blocking: XOpenDisplay itself would wait
 * forever, on the main thread, for a server that accepts connections but never answers (stopped,
 * or stuck). Any reply (even "authorization required") proves it answers.
 */
export async function probeDisplay(display: string, timeoutMs: number): Promise<ProbeResult> {
  const addr = displayAddress(display);
  if (!addr) return 'answers'; // Unknown form: let Xlib try it.
  const deadline = Date.now() + timeoutMs;
  const targets: net.NetConnectOpts[] =
    addr.kind === 'unix'
      ? addr.paths.map((path) => ({ path }))
      : [{ host: addr.host, port: addr.port }];
  const { connect } = await import('node:net');
  let sawTimeout = false;
  for (const t of targets) {
    const r = await probeOne(connect, t, Math.max(0, deadline - Date.now()));
    if (r === 'answers') return r;
    if (r === 'timeout') sawTimeout = true;
  }
  return sawTimeout ? 'timeout' : 'refused';
}

function probeOne(
  connect: typeof net.connect,
  target: net.NetConnectOpts,
  timeoutMs: number,
): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const sock = connect(target);
    const done = (r: ProbeResult) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    sock.once('connect', () => {
      // xConnClientPrefix: little-endian, protocol 11.0, no authorization.
      const setup = Buffer.alloc(12);
      setup.write('l', 0, 'latin1');
      setup.writeUInt16LE(11, 2);
      sock.write(setup);
    });
    sock.once('data', () => done('answers'));
    sock.once('error', () => done('refused'));
    sock.once('close', () => done('refused'));
  });
}
