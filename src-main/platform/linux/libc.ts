import { koffi } from '../koffi';

/** The few libc entry points SafeKill needs on Linux, loaded once on first use through koffi. */
export interface Libc {
  /** pidfd_open(2): a file descriptor that refers to exactly one process, or -1. */
  pidfdOpen(pid: number): number;
  /** pidfd_send_signal(2): 0 or -1. */
  pidfdSendSignal(pidfd: number, sig: number): number;
  /**
   * The wait status of the process behind `pidfd` once its parent has collected it
   * (PIDFD_GET_INFO with PIDFD_INFO_EXIT, Linux 6.15+); undefined while it runs or is a zombie,
   * and on older kernels.
   */
  pidfdExitStatus(pidfd: number): number | undefined;
  /** poll(2) on a buffer of `struct pollfd`, on a libuv pool thread. */
  pollAsync(
    fds: Buffer,
    nfds: number,
    timeoutMs: number,
    cb: (err: unknown, n: number) => void,
  ): void;
  eventfd(initval: number, flags: number): number;
  epollCreate1(flags: number): number;
  /** epoll_ctl(2): `event` is one `struct epoll_event` (EPOLL_EVENT_SIZE bytes), or null. */
  epollCtl(epfd: number, op: number, fd: number, event: Buffer | null): number;
  /** epoll_wait(2) with a timeout of 0, on the calling thread: what is ready now, never a wait. */
  epollPoll(epfd: number, events: Buffer, maxEvents: number): number;
  /** epoll_wait(2) into a buffer of `struct epoll_event`, on a libuv pool thread. */
  epollWaitAsync(
    epfd: number,
    events: Buffer,
    maxEvents: number,
    timeoutMs: number,
    cb: (err: unknown, n: number) => void,
  ): void;
  /** fcntl(2): adds O_NONBLOCK to `fd`'s flags; false where that failed. */
  setNonBlocking(fd: number): boolean;
  errno(): number;
}

const SYS_pidfd_open = 434;
const SYS_pidfd_send_signal = 424;
/** struct pidfd_info as of Linux 6.15 (PIDFD_INFO_SIZE_VER0); newer kernels accept it as is. */
const PIDFD_INFO_SIZE = 64;
const PIDFD_INFO_EXIT = 0x8n;
const PIDFD_INFO_EXIT_CODE_AT = 60;
/** _IOWR(PIDFS_IOCTL_MAGIC 0xFF, 11, struct pidfd_info). */
const PIDFD_GET_INFO = (3 * 2 ** 30 + PIDFD_INFO_SIZE * 2 ** 16 + 0xff * 2 ** 8 + 11) >>> 0;

export const ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EAGAIN: 11,
  EINVAL: 22,
  ENFILE: 23,
  EMFILE: 24,
  ENOSYS: 38,
} as const;
/** A failed call's errno in words, where SafeKill has some: running out of descriptors. */
export function errnoWords(errno: number): string {
  if (errno === ERRNO.EMFILE) return 'SafeKill has too many files open (EMFILE)';
  if (errno === ERRNO.ENFILE) return 'the system has too many files open (ENFILE)';
  return `errno ${errno}`;
}
export const EFD_NONBLOCK = 0o4000;
export const EFD_CLOEXEC = 0o2000000;
export const POLLIN = 0x1;
const F_GETFL = 3;
const F_SETFL = 4;
const O_NONBLOCK = 0o4000;
export const EPOLLIN = 0x1;
export const EPOLL_CLOEXEC = 0o2000000;
export const EPOLL_CTL_ADD = 1;
export const EPOLL_CTL_DEL = 2;
/** struct epoll_event is packed on x86-64 (12 bytes, data at 4), padded elsewhere (16, at 8). */
export const EPOLL_EVENT_SIZE = process.arch === 'x64' ? 12 : 16;
export const EPOLL_DATA_AT = process.arch === 'x64' ? 4 : 8;

let cached: Libc | undefined;

/** libc once something has loaded it (so koffi is loaded too); undefined before that. */
export function loadedLibc(): Libc | undefined {
  return cached;
}

export function libc(): Libc {
  if (cached) return cached;
  const lib = koffi().load('libc.so.6');
  const syscall = lib.func('long syscall(long nr, ...)');
  const poll = lib.func('int poll(void *fds, unsigned long nfds, int timeout)');
  const eventfd = lib.func('int eventfd(unsigned int initval, int flags)');
  const epollCreate1 = lib.func('int epoll_create1(int flags)');
  const epollCtl = lib.func('int epoll_ctl(int epfd, int op, int fd, void *event)');
  const epollWait = lib.func('int epoll_wait(int epfd, void *events, int maxevents, int timeout)');
  const fcntl = lib.func('int fcntl(int fd, int cmd, ...)');
  // Declared with its one argument: a pointer is passed alike either way on x86-64 and arm64.
  const ioctl = lib.func('int ioctl(int fd, unsigned long request, void *arg)');
  const info = Buffer.alloc(PIDFD_INFO_SIZE);
  cached = {
    pidfdOpen: (pid) => Number(syscall(SYS_pidfd_open, 'int', pid, 'unsigned int', 0)),
    pidfdSendSignal: (fd, sig) =>
      Number(
        syscall(SYS_pidfd_send_signal, 'int', fd, 'int', sig, 'void *', null, 'unsigned int', 0),
      ),
    pidfdExitStatus: (fd) => {
      info.fill(0);
      info.writeBigUInt64LE(PIDFD_INFO_EXIT, 0);
      if (Number(ioctl(fd, PIDFD_GET_INFO, info)) !== 0) return undefined;
      // The kernel says which fields it filled in: the exit only once the process is collected.
      if ((info.readBigUInt64LE(0) & PIDFD_INFO_EXIT) === 0n) return undefined;
      return info.readInt32LE(PIDFD_INFO_EXIT_CODE_AT);
    },
    pollAsync: (fds, nfds, timeout, cb) => poll.async(fds, nfds, timeout, cb),
    eventfd: (initval, flags) => Number(eventfd(initval, flags)),
    epollCreate1: (flags) => Number(epollCreate1(flags)),
    epollCtl: (epfd, op, fd, event) => Number(epollCtl(epfd, op, fd, event)),
    epollPoll: (epfd, events, max) => Number(epollWait(epfd, events, max, 0)),
    epollWaitAsync: (epfd, events, max, timeout, cb) =>
      epollWait.async(epfd, events, max, timeout, cb),
    setNonBlocking: (fd) => {
      const flags = Number(fcntl(fd, F_GETFL));
      return flags >= 0 && Number(fcntl(fd, F_SETFL, 'int', flags | O_NONBLOCK)) === 0;
    },
    errno: () => koffi().errno(),
  };
  return cached;
}
