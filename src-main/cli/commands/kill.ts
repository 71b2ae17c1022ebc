import type { KillEvent, KillResult } from '../../../src-shared/kill';
import { killTargets } from '../../kill/kill-targets';
import { currentPlatform } from '../../platform/current';
import { commandProfiles } from '../profiles';
import { lockFileClaims } from '../../kill/ending-claims';
import {
  UsageError,
  parseDuration,
  parseGrace,
  parseOptions,
  parseStartTime,
  parseStrategy,
} from '../args';
import { resolveTargets } from '../resolve-targets';
import { cancelOnSignals } from '../cancel-on-signals';
import { exitStatus } from '../exit-status';
import { TerminalRenderer, plainLine, runSummary } from '../render-terminal';
import type { CliIo } from '../io';
import { lineBatch } from '../line-batch';
import { traceMark } from '../trace-marks';

export async function killCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    strategy: { type: 'string' },
    grace: { type: 'string' },
    tree: { type: 'boolean' },
    'force-protected': { type: 'boolean' },
    'expect-start-time': { type: 'string' },
    'dialog-timeout': { type: 'string' },
    'force-through-dialogs': { type: 'boolean' },
    'max-grace': { type: 'string' },
    json: { type: 'boolean' },
    all: { type: 'boolean' },
    elevate: { type: 'boolean' },
    'supervisor-stop': { type: 'boolean' },
  });
  if (positionals.length === 0)
    throw new UsageError(
      'kill needs at least one PID, name or :PORT, e.g. safekill kill 1234, safekill kill :8080',
    );
  const targets = resolveTargets(positionals, values.all === true);
  if (values['expect-start-time'] !== undefined) {
    if (targets.length !== 1 || targets[0]!.startTime !== undefined)
      throw new UsageError('--expect-start-time goes with exactly one PID (or write PID@START)');
    targets[0]!.startTime = parseStartTime(values['expect-start-time']);
  }
  const pids = targets.map((t) => t.pid);
  traceMark('targetsRead');
  const platform = currentPlatform({ profiles: await commandProfiles() });
  const overrides = {
    strategy: parseStrategy(values.strategy, platform.platform),
    graceMs: parseGrace(values.grace),
  };

  const json = values.json === true;
  const renderer = !json && io.stdout.isTTY ? new TerminalRenderer(io.stdout) : undefined;
  let survivors = 0;
  const lines = lineBatch(io.stdout);
  const onEvent = (e: KillEvent) => {
    // The first step is told once the first signals have gone (see killTargets).
    if (e.type === 'step') traceMark('signalled');
    if (e.type === 'survivors') survivors += e.survivors.length;
    if (json) lines.push(JSON.stringify(e));
    else if (renderer) renderer.onEvent(e);
    else {
      const line = plainLine(e);
      if (line) lines.push(line);
    }
  };

  /** The countdown's last frame, then (for several targets, not --json) a line of counts. */
  const summarize = (results: readonly KillResult[]) => {
    renderer?.finish();
    const summary = json ? undefined : runSummary(results);
    if (summary) lines.push(summary);
  };

  // Ctrl+C (or SIGTERM, or SIGHUP) cancels every ladder: targets not yet forced live on.
  const abort = new AbortController();
  // On the countdown's terminal, its notice goes above the live lines, not under them.
  const stopCancelling = cancelOnSignals(
    abort,
    renderer && io.stderr.isTTY ? { write: (text) => renderer.note(text) } : io.stderr,
  );
  try {
    // --elevate: the same events, from the administrator helper (pkexec / UAC runas). Loaded
    // only here: a kill without it does not load the launchers before its first signal.
    if (values.elevate === true) {
      if (values['supervisor-stop'] === true)
        throw new UsageError(
          '--supervisor-stop does not go with --elevate (yet): run one, then the other',
        );
      const { elevatedKill } = await import('../../elevate/elevated-kill');
      const results = await elevatedKill(
        {
          targets,
          strategy: overrides.strategy,
          graceMs: overrides.graceMs,
          tree: values.tree === true,
        },
        { onEvent, signal: abort.signal },
      );
      summarize(results);
      return exitStatus(results);
    }
    const results = await killTargets(
      {
        pids,
        overrides,
        tree: values.tree === true,
        supervisorStop: values['supervisor-stop'] === true,
        forceProtected: values['force-protected'] === true,
        maxGraceMs: parseDuration(values['max-grace'], '--max-grace'),
        dialog: {
          timeoutMs: parseDuration(values['dialog-timeout'], '--dialog-timeout'),
          forceThrough: values['force-through-dialogs'] === true,
        },
        found: new Set(targets.flatMap((t) => (t.found ? [t.pid] : []))),
        expectedStartTimes: new Map(
          targets.flatMap((t) => (t.startTime === undefined ? [] : [[t.pid, t.startTime]])),
        ),
      },
      {
        platform,
        onEvent,
        signal: abort.signal,
        tickMs: json ? 1000 : 100,
        claims: lockFileClaims(),
        owner: `cli-${process.pid}`,
      },
    );
    summarize(results);
    return exitStatus(results, survivors);
  } finally {
    lines.flush();
    stopCancelling();
  }
}
