import { version } from '../../package.json';
import { isSafeKillError } from '../../src-shared/errors';
import { UsageError } from './args';
import type { CommandName } from './command-names';
import { EXIT } from './exit-status';
import type { CliIo } from './io';

const USAGE = `Usage: safekill <command> [options]
       safekill --version

Commands:
  plan <pid>[@start] [--strategy S] [--grace MS] [--json]
      Print how SafeKill would end the process, and why. Changes nothing. --json prints
      its startTime: pass PID@STARTTIME to kill to end that process and no other.
  kill <pid>[@start]|NAME|:PORT... [--all] [--strategy S] [--grace MS] [--tree]
       [--force-protected] [--expect-start-time T] [--dialog-timeout MS]
       [--force-through-dialogs] [--max-grace MS] [--supervisor-stop] [--json]
      End processes politely, escalating after the grace period (default 5000 ms).
      --strategy  auto (default) or one of: signal:SIGTERM, signal:SIGINT, signal:SIGHUP,
                  signal:SIGQUIT, x11-close, wayland-close, signal:SIGKILL (Linux);
                  wm-close, ctrl-c, ctrl-break, terminate (Windows)
      --tree      also end every descendant, each with its own outcome; a tree whose root is
                  protected is refused whole, and SafeKill and its ancestors are never part of one
      --supervisor-stop  a supervised target (systemd, supervisord, docker, podman, sv) is first
                  stopped with its supervisor's own command, within that supervisor's timeout
      PID@START   refuse (pid-reused) when the PID now names a process with another start time
      NAME        the process with exactly this name (its kernel name or argv[0]'s base name)
      :PORT       the process listening on this TCP or UDP port (Linux)
      --all       end every match of a NAME or :PORT; without it, several matches are listed
      --json      one JSON event per line, ending with one "result" per target
      A program that asks the user (a "Save changes?" dialog after the close request)
      pauses the countdown until it is answered; --dialog-timeout MS bounds the wait,
      after which it is left running (exit 4) unless --force-through-dialogs.
      A program still reading, writing or computing when its grace runs out gets one
      more grace period at a time, up to --max-grace MS (default 60000).
  list [--json] [--tree] [--filter TEXT] [--sort cpu|mem|pid|name] [--sample MS]
      The process table: CPU % since each process started (as ps shows it), or over a
      sample of MS milliseconds with --sample; memory, start, flags (W window,
      T terminal, P protected). --filter matches a PID, name, command line or user;
      --tree nests children under parents; --json prints one JSON array.

  kill … --elevate
      End them as administrator: pkexec and the polkit action org.safekill.end-process
      (Linux, signals only) or the UAC prompt (Windows); a refused prompt is cancelled.

  doctor [--json]
      Show what this installation uses: koffi, pidfd or its fallback, X11 and Wayland, the
      history file, Electron's binary (and on Windows the console helper).

Exit status: 0 all gone, 1 any failed or not found, 2 usage error, 3 any refused,
4 left running or forced while asking the user, 130 cancelled (Ctrl+C).
`;

export type Command = (argv: string[], io: CliIo) => Promise<number>;

/**
 * Each command is loaded when it runs: the bundle evaluates a command's modules (X11, Wayland,
 * D-Bus, the process source...) only for the command that needs them, so a kill sends its first
 * signal, and a list answers, without paying for the others.
 */
export const COMMANDS: Record<CommandName, Command> = {
  plan: async (argv, io) => (await import('./commands/plan')).planCommand(argv, io),
  kill: async (argv, io) => (await import('./commands/kill')).killCommand(argv, io),
  doctor: async (argv, io) => (await import('./commands/doctor')).doctorCommand(argv, io),
  list: async (argv, io) => (await import('./commands/list')).listCommand(argv, io),
  // The privileged side of --elevate / End as administrator (run by pkexec or runas).
  helper: async (argv, io) => (await import('./commands/helper')).helperCommand(argv, io),
};

/** Runs one command line; returns the exit status. Never throws. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(USAGE);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write(`safekill ${version}\n`);
    return EXIT.ok;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name as CommandName] : undefined;
  try {
    if (!command)
      throw new UsageError(
        `unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')}`,
      );
    return await command(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`safekill: ${e.message}\n`);
      return EXIT.usage;
    }
    if (isSafeKillError(e)) {
      io.stderr.write(`safekill: ${e.message}\n`);
      return EXIT.failed;
    }
    io.stderr.write(`safekill: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.failed;
  }
}
