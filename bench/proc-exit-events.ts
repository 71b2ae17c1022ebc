// The kernel's own exit time of each process, from the proc connector (netlink, CN_IDX_PROC):
// the kernel stamps a PROC_EVENT_EXIT with CLOCK_MONOTONIC in do_exit, right after exit_notify
// (where a pidfd becomes readable), and queues it on the socket. Read after a trial, so the
// listener adds no work while it runs. Needs CAP_NET_ADMIN (root) in the initial namespaces.
import fs from 'node:fs';
import { koffi } from '../src-main/platform/koffi';

const AF_NETLINK = 16;
const SOCK_DGRAM = 2;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const NETLINK_CONNECTOR = 11;
const CN_IDX_PROC = 1;
const CN_VAL_PROC = 1;
const PROC_CN_MCAST_LISTEN = 1;
const PROC_EVENT_EXIT = 0x80000000;
const SOL_SOCKET = 1;
const SO_RCVBUFFORCE = 33;
const CLOCK_REALTIME = 0;
const CLOCK_MONOTONIC = 1;

export interface ExitEvents {
  /** Forgets what has been queued so far. */
  drain(): void;
  /** Reads what has been queued: each thread-group leader's exit, realtime epoch ms, by PID. */
  collect(into: Map<number, number>): void;
  close(): void;
}

/** A listener, or why there is none. */
export function openExitEvents(): ExitEvents | string {
  if (process.platform !== 'linux') return 'Linux only';
  if (process.getuid?.() !== 0) return 'the proc connector needs root (CAP_NET_ADMIN)';
  let lib;
  try {
    lib = koffi().load('libc.so.6');
  } catch (e) {
    return `libc could not be loaded (${(e as Error).message})`;
  }
  const socket = lib.func('int socket(int domain, int type, int protocol)');
  const bind = lib.func('int bind(int fd, void *addr, unsigned int len)');
  const setsockopt = lib.func(
    'int setsockopt(int fd, int level, int name, void *value, unsigned int len)',
  );
  const clockGettime = lib.func('int clock_gettime(int clk, void *ts)');
  const fd = Number(
    socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_CONNECTOR),
  );
  if (fd < 0) return `no netlink connector socket (errno ${koffi().errno()})`;
  const rcv = Buffer.alloc(4);
  rcv.writeInt32LE(64 << 20);
  setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, rcv, 4);
  const addr = Buffer.alloc(12); // sockaddr_nl: family, pad, pid, groups
  addr.writeUInt16LE(AF_NETLINK, 0);
  addr.writeUInt32LE(0, 4); // the kernel picks our port
  addr.writeUInt32LE(CN_IDX_PROC, 8);
  if (Number(bind(fd, addr, 12)) !== 0) {
    fs.closeSync(fd);
    return `binding to the proc connector failed (errno ${koffi().errno()})`;
  }
  const listen = Buffer.alloc(16 + 20 + 4); // nlmsghdr + cn_msg + op
  listen.writeUInt32LE(listen.length, 0);
  listen.writeUInt16LE(3, 4); // NLMSG_DONE
  listen.writeUInt32LE(process.pid, 12);
  listen.writeUInt32LE(CN_IDX_PROC, 16);
  listen.writeUInt32LE(CN_VAL_PROC, 20);
  listen.writeUInt16LE(4, 32);
  listen.writeUInt32LE(PROC_CN_MCAST_LISTEN, 36);
  fs.writeSync(fd, listen);

  // CLOCK_MONOTONIC → realtime epoch ms (the stamps and every method's times are realtime).
  const ts = Buffer.alloc(16);
  const clock = (id: number) => {
    clockGettime(id, ts);
    return Number(ts.readBigInt64LE(0)) * 1000 + Number(ts.readBigInt64LE(8)) / 1e6;
  };
  const offset = () => {
    const a = clock(CLOCK_REALTIME);
    const m = clock(CLOCK_MONOTONIC);
    const b = clock(CLOCK_REALTIME);
    return (a + b) / 2 - m;
  };

  const buf = Buffer.alloc(1 << 16);
  const read = (onExit?: (pid: number, monoNs: bigint) => void) => {
    for (;;) {
      let n: number;
      try {
        n = fs.readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN' || code === 'EWOULDBLOCK') return;
        if (code === 'ENOBUFS') continue; // Some were lost: the ones we want show as missing.
        throw e;
      }
      for (let at = 0; at + 16 <= n;) {
        const len = buf.readUInt32LE(at);
        if (len < 16) break;
        if (len >= 16 + 20 + 16 + 8 && buf.readUInt32LE(at + 36) === PROC_EVENT_EXIT) {
          const pid = buf.readInt32LE(at + 52);
          const tgid = buf.readInt32LE(at + 56);
          if (pid === tgid) onExit?.(pid, buf.readBigUInt64LE(at + 44));
        }
        at += (len + 3) & ~3;
      }
    }
  };
  return {
    drain: () => read(),
    collect: (into) => {
      const off = offset();
      read((pid, ns) => into.set(pid, Number(ns) / 1e6 + off));
    },
    close: () => fs.closeSync(fd),
  };
}
