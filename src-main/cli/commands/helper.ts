import type { KillEvent } from '../../../src-shared/kill';
import { connect, type Socket } from 'node:net';
import {
  HELPER_STEPS_NOTE,
  HelperRequestError,
  parseHelperArgv,
} from '../../elevate/helper-request';
import { killTargets } from '../../kill/kill-targets';
import { currentPlatform } from '../../platform/current';
import { cancelOnSignals } from '../cancel-on-signals';
import { EXIT, exitStatus } from '../exit-status';
import type { CliIo } from '../io';

/** The window-system variables the helper never uses: it sends signals only. */
const WINDOW_ENV = [
  'DISPLAY',
  'WAYLAND_DISPLAY',
  'SWAYSOCK',
  'HYPRLAND_INSTANCE_SIGNATURE',
  'XAUTHORITY',
];

/**
 * `safekill helper kill PID@START… [--strategy S] [--grace MS] [--tree]`: the privileged side
 * of "End as administrator", run by pkexec (or installed as `safekill-helper`). It takes only
 * pinned targets and the plan's options, validated again here; protected processes are always
 * refused; it streams the same JSON events as `kill --json`. It cancels its ladders (targets not
 * yet forced live on) when its stdin closes, on SIGTERM/SIGINT/SIGHUP, or when its parent goes
 * away, so it never outlives the SafeKill that started it.
 */
export async function helperCommand(argv: string[], io: CliIo): Promise<number> {
  try {
    return await runHelper(argv, io);
  } catch (e) {
    // A request the helper will not run is a usage error (2), one typed line, nothing sent.
    if (!(e instanceof HelperRequestError)) throw e;
    io.stderr.write(`safekill: ${e.code}: ${e.message}\n`);
    return EXIT.usage;
  }
}

/** The helper never forces a protected process, so its refusal offers no override. */
export const HELPER_PROTECTED_HINT =
  'the administrator helper never ends a protected process (there is no override through it)';

async function runHelper(argv: string[], io: CliIo): Promise<number> {
  // Windows: `--pipe NAME` (started elevated by ShellExecuteEx runas): the events go to the
  // launcher's named pipe, and the pipe closing cancels, as stdin does here.
  const pipeName = argv[0] === '--pipe' ? argv[1] : undefined;
  const req = parseHelperArgv(pipeName === undefined ? argv : argv.slice(2));
  const pipe = pipeName === undefined ? undefined : await connectPipe(pipeName);
  const out = pipe ?? io.stdout;
  for (const k of WINDOW_ENV) delete process.env[k];
  const platform = currentPlatform();
  const onEvent = (e: KillEvent) => {
    if (e.type === 'plan') {
      e = { ...e, plan: { ...e.plan, warnings: [...(e.plan.warnings ?? []), HELPER_STEPS_NOTE] } };
    }
    out.write(JSON.stringify(e) + '\n');
  };

  const abort = new AbortController();
  const stopCancelling = cancelOnSignals(abort, io.stderr);
  const stopWatching = pipe ? watchPipe(pipe, abort) : watchParent(abort);
  try {
    const results = await killTargets(
      {
        pids: req.targets.map((t) => t.pid),
        overrides: { strategy: req.strategy, graceMs: req.graceMs },
        tree: req.tree,
        forceProtected: false,
        protectedHint: HELPER_PROTECTED_HINT,
        expectedStartTimes: new Map(req.targets.map((t) => [t.pid, t.startTime])),
      },
      { platform, onEvent, signal: abort.signal, tickMs: 1000, owner: `helper-${process.pid}` },
    );
    return exitStatus(results);
  } finally {
    stopWatching();
    stopCancelling();
    pipe?.end();
  }
}

function connectPipe(name: string): Promise<Socket> {
  if (!/^\\\\\.\\pipe\\safekill-elevate-[0-9a-f]{32}$/.test(name))
    throw new HelperRequestError(`bad pipe name "${name}"`);
  return new Promise((resolve, reject) => {
    const s = connect(name, () => resolve(s));
    s.once('error', reject);
  });
}

function watchPipe(pipe: Socket, abort: AbortController): () => void {
  const cancel = () => abort.abort();
  pipe.on('end', cancel);
  pipe.on('close', cancel);
  pipe.on('error', cancel);
  return () => {
    pipe.off('end', cancel);
    pipe.off('close', cancel);
  };
}

/** Cancels when stdin closes (the parent's end of the pipe) or the parent process changes. */
function watchParent(abort: AbortController): () => void {
  const parent = process.ppid;
  const cancel = () => abort.abort();
  process.stdin.on('end', cancel);
  process.stdin.on('close', cancel);
  process.stdin.on('error', cancel);
  process.stdin.resume();
  const timer = setInterval(() => {
    if (process.ppid !== parent) cancel();
  }, 500);
  return () => {
    clearInterval(timer);
    process.stdin.off('end', cancel);
    process.stdin.off('close', cancel);
    process.stdin.off('error', cancel);
    process.stdin.pause();
    process.stdin.destroy();
  };
}
