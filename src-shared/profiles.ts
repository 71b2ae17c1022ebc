/**
 * Shutdown profiles: what each known program calls a graceful stop. Data only, validated with
 * zod, so that users can add their own in the app's data folder (profiles.json) with the same
 * schema. Every reason here is shown in plans as is: it must be true for that program, and
 * `source` says where it comes from.
 */
import type { z } from 'zod';
import type { profileSchema } from './profile-schema';

/** Signals a profile may name as a stop (SIGWINCH only for Apache's graceful-stop). */
export const PROFILE_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGWINCH'] as const;
export type ProfileSignal = (typeof PROFILE_SIGNALS)[number];

export type ShutdownProfile = z.infer<ReturnType<typeof profileSchema>>;
/** One argument of a native stop command (see `commandPart`). */
export type CommandPart = string | { when: string; args: string[] };

/** A profile as matched for one process: its native stop command resolved for that process. */
export interface MatchedProfile extends Omit<ShutdownProfile, 'nativeStop'> {
  nativeStop?: { command: string[]; note: string };
  /** Where it came from: built in, or the user's profiles.json. */
  origin: 'built-in' | string;
}

const S = 1000;

/** The built-in profiles. User profiles with the same id replace them. */
export const BUILT_IN_PROFILES: readonly ShutdownProfile[] = [
  {
    id: 'postgresql',
    name: 'PostgreSQL server',
    // Backends and auxiliary processes retitle themselves "postgres: …"; only the postmaster
    // shuts the whole server down.
    match: {
      exe: ['postgres', 'postmaster'],
      comm: ['postgres', 'postmaster'],
      cmdlineNot: '^postgres: ',
    },
    steps: [
      {
        signal: 'SIGINT',
        graceMs: 60 * S,
        reason:
          'PostgreSQL\'s "fast" shutdown: it disconnects its clients, rolls back their open transactions, writes a shutdown checkpoint and exits; the next start needs no recovery',
      },
      {
        signal: 'SIGQUIT',
        graceMs: 5 * S,
        reason:
          'PostgreSQL\'s "immediate" shutdown: every server process exits without a checkpoint, so the next start runs crash recovery; still better than SIGKILL, which would leave its server processes running',
      },
    ],
    meanings: {
      SIGTERM:
        'PostgreSQL\'s "smart" shutdown: it refuses new connections but waits for every connected client to disconnect, which may be never',
    },
    notAStop: { SIGHUP: 'PostgreSQL rereads its configuration files on SIGHUP and keeps running' },
    source: 'PostgreSQL documentation, "Shutting Down the Server" (server-shutdown.html)',
    note: 'SIGTERM is its "smart" shutdown: it waits for every client to disconnect, which may be never',
    nativeStop: {
      command: ['{exedir}/pg_ctl', 'stop', '-m', 'fast', '-D', '{arg:-D|cwd}'],
      note: "pg_ctl sends the same fast shutdown and waits for it; run it as the server's user (e.g. postgres)",
    },
  },
  {
    id: 'nginx',
    name: 'nginx',
    match: { exe: ['nginx'], comm: ['nginx'] },
    steps: [
      {
        signal: 'SIGQUIT',
        graceMs: 30 * S,
        reason:
          "nginx's graceful shutdown: it stops accepting connections, lets the requests in flight finish, then exits",
      },
      {
        signal: 'SIGTERM',
        graceMs: 5 * S,
        reason: "nginx's fast shutdown: it closes its connections at once and exits",
      },
    ],
    meanings: { SIGINT: "nginx's fast shutdown, as with SIGTERM" },
    notAStop: {
      SIGHUP:
        'nginx rereads its configuration and starts new workers on SIGHUP: the master keeps running',
      SIGWINCH: 'nginx stops its worker processes on SIGWINCH, but the master keeps running',
    },
    source: 'nginx documentation, "Controlling nginx" (nginx.org/en/docs/control.html)',
    nativeStop: {
      command: [
        '{exe}',
        { when: '{arg:-p}', args: ['-p', '{arg:-p}'] },
        { when: '{arg:-c}', args: ['-c', '{arg:-c}'] },
        '-s',
        'quit',
      ],
      note: "sends the same graceful shutdown to the master named in nginx's pid file",
    },
  },
  {
    id: 'redis',
    name: 'Redis server',
    match: { exe: ['redis-server'], comm: ['redis-server'] },
    steps: [
      {
        signal: 'SIGTERM',
        graceMs: 60 * S,
        reason:
          'Redis catches SIGTERM: it saves its RDB snapshot (when persistence is configured), flushes the append-only file and exits; a large data set takes a while',
      },
    ],
    source: 'Redis documentation, "Signals handling" (redis.io/docs/reference/signals)',
    nativeStop: {
      command: ['redis-cli', 'shutdown'],
      note: 'connects to 127.0.0.1:6379 unless given -h, -p or -s; saves first when persistence is configured',
    },
  },
  {
    id: 'mysql',
    name: 'MySQL / MariaDB server',
    match: { exe: ['mysqld', 'mariadbd'], comm: ['mysqld', 'mariadbd'] },
    steps: [
      {
        signal: 'SIGTERM',
        graceMs: 60 * S,
        reason:
          'the server catches SIGTERM and shuts down cleanly: it ends its connections, flushes InnoDB to disk and exits; a busy server takes a while',
      },
    ],
    notAStop: {
      SIGHUP:
        'the server reloads its grant tables and flushes its logs on SIGHUP, and keeps running',
    },
    source:
      'MySQL Reference Manual, "Unix Signal Handling in MySQL"; MariaDB Knowledge Base, "mariadbd"',
    nativeStop: {
      command: ['mysqladmin', 'shutdown'],
      note: 'MariaDB also names it mariadb-admin; needs an account with the SHUTDOWN privilege',
    },
  },
  {
    id: 'apache-httpd',
    name: 'Apache HTTP Server',
    match: { exe: ['apache2', 'httpd'], comm: ['apache2', 'httpd'] },
    steps: [
      {
        signal: 'SIGWINCH',
        graceMs: 30 * S,
        reason:
          "Apache's graceful-stop: the parent tells its children to finish their current requests and exit, then exits itself",
      },
      {
        signal: 'SIGTERM',
        graceMs: 10 * S,
        reason:
          "Apache's stop: the parent ends its children at once (requests in progress are cut off) and exits",
      },
    ],
    notAStop: {
      SIGHUP: 'Apache restarts on SIGHUP: it rereads its configuration and keeps running',
    },
    source:
      'Apache HTTP Server documentation, "Stopping and Restarting" (httpd.apache.org/docs/2.4/stopping.html)',
    nativeStop: {
      command: ['apachectl', '-k', 'graceful-stop'],
      note: 'Debian names it apache2ctl; it reads the pid file of the default configuration',
    },
  },
  {
    id: 'php-fpm',
    name: 'PHP-FPM',
    match: { exe: ['php-fpm*'], comm: ['php-fpm*'] },
    steps: [
      {
        signal: 'SIGQUIT',
        graceMs: 30 * S,
        reason: "PHP-FPM's graceful stop: its workers finish their requests, then it exits",
      },
      {
        signal: 'SIGTERM',
        graceMs: 5 * S,
        reason: "PHP-FPM's immediate termination",
      },
    ],
    source: 'php-fpm(8) manual page, SIGNALS',
  },
  {
    id: 'gunicorn',
    name: 'Gunicorn',
    match: { comm: ['gunicorn'] },
    steps: [
      {
        signal: 'SIGTERM',
        graceMs: 35 * S,
        reason:
          "Gunicorn's graceful shutdown: its workers finish their current requests (up to graceful_timeout, 30 s by default), then it exits",
      },
      {
        signal: 'SIGINT',
        graceMs: 5 * S,
        reason: "Gunicorn's quick shutdown",
      },
    ],
    notAStop: {
      SIGHUP:
        'Gunicorn reloads its configuration and restarts its workers on SIGHUP, and keeps running',
    },
    source: 'Gunicorn documentation, "Signal Handling" (docs.gunicorn.org/en/stable/signals.html)',
  },
  {
    id: 'uwsgi',
    name: 'uWSGI',
    match: { exe: ['uwsgi', 'uwsgi-core'], comm: ['uwsgi', 'uwsgi-core'] },
    steps: [
      {
        signal: 'SIGINT',
        graceMs: 10 * S,
        reason: 'uWSGI ends its whole stack (master and workers) on SIGINT',
      },
      {
        signal: 'SIGQUIT',
        graceMs: 5 * S,
        reason: 'uWSGI also ends its whole stack on SIGQUIT',
      },
    ],
    notAStop: {
      SIGHUP: 'uWSGI gracefully reloads its workers on SIGHUP and keeps running',
      SIGTERM:
        'uWSGI 2.0 treats SIGTERM as a brutal reload and keeps running (unless started with --die-on-term)',
    },
    source: 'uWSGI documentation, "Managing the uWSGI server" and "Signals for controlling uWSGI"',
  },
  {
    id: 'java',
    name: 'Java virtual machine',
    match: { exe: ['java'], comm: ['java'] },
    steps: [
      {
        signal: 'SIGTERM',
        graceMs: 15 * S,
        reason: 'the JVM runs its shutdown hooks (Runtime.addShutdownHook) on SIGTERM, then exits',
      },
    ],
    notAStop: {
      SIGQUIT: 'the JVM prints a thread dump on SIGQUIT and keeps running',
    },
    source:
      'Java SE API, Runtime.addShutdownHook; Java Troubleshooting Guide, "Handle Signals and Exceptions"',
  },
  {
    id: 'nano',
    name: 'GNU nano',
    match: { exe: ['nano'], comm: ['nano'] },
    steps: [
      {
        signal: 'SIGTERM',
        graceMs: 5 * S,
        reason:
          'nano catches SIGTERM (and SIGHUP): it writes each modified buffer to an emergency file (FILE.save, or nano.save for an unnamed one) and exits',
      },
    ],
    source: 'nano(1) manual page, NOTES',
  },
  {
    id: 'vim',
    name: 'Vim',
    match: { exe: ['vim', 'vim.*', 'nvim'], comm: ['vim', 'nvim'] },
    steps: [
      {
        signal: 'SIGTERM',
        graceMs: 5 * S,
        reason:
          'Vim catches SIGTERM as a deadly signal: it preserves its swap files (unsaved changes can be recovered with vim -r FILE) and exits',
      },
    ],
    source: 'Vim help, ":help swap-file" and ":help recovery"',
  },
  {
    id: 'emacs',
    name: 'GNU Emacs',
    match: { exe: ['emacs', 'emacs-*'], comm: ['emacs', 'emacs-*'] },
    steps: [
      {
        signal: 'SIGTERM',
        graceMs: 10 * S,
        reason:
          'Emacs calls kill-emacs on SIGTERM: kill-emacs-hook runs and it exits without asking; unsaved buffers keep only their last auto-save file',
      },
    ],
    source: 'GNU Emacs Lisp Reference Manual, "Killing Emacs"',
  },
  {
    id: 'tmux',
    name: 'tmux',
    // Only the server: it names itself "tmux: server"; a client ("tmux: client") just detaches.
    match: { comm: ['tmux: server'] },
    steps: [
      {
        signal: 'SIGTERM',
        graceMs: 5 * S,
        reason:
          'the tmux server exits on SIGTERM and closes every session: the programs in its panes get SIGHUP as their terminals go',
      },
    ],
    notAStop: { SIGHUP: 'the tmux server takes no action on SIGHUP and keeps running' },
    source: 'tmux(1) manual page; tmux server.c (server_signal)',
  },
  {
    id: 'screen',
    name: 'GNU Screen',
    // Only the session's server, which retitles itself SCREEN; the front end is "screen".
    match: { exe: ['screen'], comm: ['screen'], cmdlineNot: '^(\\S*/)?screen\\b' },
    steps: [
      {
        signal: 'SIGTERM',
        graceMs: 5 * S,
        reason:
          'screen ends its session on SIGTERM and closes all its windows: the programs in them get SIGHUP as their terminals go',
      },
    ],
    notAStop: {
      SIGHUP:
        'screen detaches on SIGHUP (as when its terminal hangs up); the session keeps running',
    },
    source: 'screen(1) manual page',
  },
];
