import fs from 'node:fs';

/** One socket line of /proc/net/{tcp,tcp6,udp,udp6}: who listens where, by socket inode. */
export interface SocketEntry {
  proto: 'tcp' | 'udp';
  address: string;
  port: number;
  inode: number;
}

const TCP_LISTEN = '0A';
const UDP_UNCONNECTED = '07';

/** Each 32-bit word of the address is in host (little-endian) order. */
function decodeAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => [6, 4, 2, 0].map((i) => parseInt(w.slice(i, i + 2), 16)));
  if (bytes.length === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < bytes.length; i += 2)
    groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return `[${groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::')}]`;
}

/**
 * The listening TCP and bound-but-unconnected UDP sockets of one /proc/net table. Pure, for
 * recorded tables.
 */
export function parseSocketTable(text: string, proto: 'tcp' | 'udp'): SocketEntry[] {
  const wanted = proto === 'tcp' ? TCP_LISTEN : UDP_UNCONNECTED;
  return text
    .split('\n')
    .slice(1)
    .flatMap((line) => {
      const f = line.trim().split(/\s+/);
      const [addr, port] = (f[1] ?? '').split(':');
      if (!addr || !port || f[3] !== wanted) return [];
      const inode = Number(f[9]);
      return inode > 0
        ? [{ proto, address: decodeAddress(addr), port: parseInt(port, 16), inode }]
        : [];
    });
}

function readText(p: string): string {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return ''; // Gone, or not ours to read.
  }
}

/** The targets of /proc/PID/fd/*; empty when the process is gone or another user's. */
export function fdTargets(pid: number): string[] {
  let fds: string[];
  try {
    fds = fs.readdirSync(`/proc/${pid}/fd`);
  } catch {
    return [];
  }
  return fds.flatMap((fd) => {
    try {
      return [fs.readlinkSync(`/proc/${pid}/fd/${fd}`)];
    } catch {
      return []; // Closed while we looked.
    }
  });
}

/**
 * `tcp 127.0.0.1:8080`-style names of the sockets `pid` listens on. Read from the process's own
 * network namespace (/proc/PID/net), matched by the socket inodes of its fds.
 */
export function listeningPorts(pid: number, fds: readonly string[] = fdTargets(pid)): string[] {
  const inodes = new Set(
    fds.flatMap((t) => {
      const m = /^socket:\[(\d+)\]$/.exec(t);
      return m ? [Number(m[1])] : [];
    }),
  );
  if (inodes.size === 0) return [];
  const tables: [string, 'tcp' | 'udp'][] = [
    ['tcp', 'tcp'],
    ['tcp6', 'tcp'],
    ['udp', 'udp'],
    ['udp6', 'udp'],
  ];
  const out = new Set<string>();
  for (const [file, proto] of tables)
    for (const s of parseSocketTable(readText(`/proc/${pid}/net/${file}`), proto))
      if (inodes.has(s.inode)) out.add(`${s.proto} ${s.address}:${s.port}`);
  return [...out];
}

/** Whether an open file is one others wait on: a lock or PID file, or runtime state. */
export function isLockLike(path: string): boolean {
  return (
    path.startsWith('/') &&
    (/\.(lock|pid)$/i.test(path) ||
      /(^|\/)lock$/i.test(path) ||
      path.startsWith('/run/') ||
      path.startsWith('/var/run/') ||
      path.startsWith('/var/lock/'))
  );
}

/** The lock, PID and /run files `pid` holds open (`fds`: its fdTargets, when read already). */
export function heldFiles(pid: number, fds: readonly string[] = fdTargets(pid)): string[] {
  return [...new Set(fds.map((t) => t.replace(/ \(deleted\)$/, '')).filter(isLockLike))];
}
