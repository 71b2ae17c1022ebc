import type { KillEvent } from '../../../src-shared/kill';
import { killTargets } from '../../kill/kill-targets';
import { currentPlatform } from '../../platform/current';
import { defaultDataDir } from '../../service/data-dir';
import { profilesFile, profilesLoader } from '../../service/profiles-file';
import { UsageError, parseGrace, parseOptions, parsePid, parseStrategy } from '../args';
import { exitStatus } from '../exit-status';
import { TerminalRenderer, plainLine } from '../render-terminal';
import type { CliIo } from '../io';

export async function killCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    strategy: { type: 'string' },
    grace: { type: 'string' },
    tree: { type: 'boolean' },
    'force-protected': { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (positionals.length === 0)
    throw new UsageError('kill needs at least one PID, e.g. safekill kill 1234');
  const pids = positionals.map(parsePid);
  const platform = currentPlatform({ profiles: profilesLoader(profilesFile(defaultDataDir())) });
  const overrides = {
    strategy: parseStrategy(values.strategy, platform.platform),
    graceMs: parseGrace(values.grace),
  };

  const json = values.json === true;
  const renderer = !json && io.stdout.isTTY ? new TerminalRenderer(io.stdout) : undefined;
  const onEvent = (e: KillEvent) => {
    if (json) io.stdout.write(JSON.stringify(e) + '\n');
    else if (renderer) renderer.onEvent(e);
    else {
      const line = plainLine(e);
      if (line) io.stdout.write(line + '\n');
    }
  };

  // Ctrl+C (or SIGTERM to SafeKill itself) cancels every ladder: targets not yet forced live on.
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const results = await killTargets(
      {
        pids,
        overrides,
        tree: values.tree === true,
        forceProtected: values['force-protected'] === true,
      },
      { platform, onEvent, signal: abort.signal, tickMs: json ? 1000 : 100 },
    );
    renderer?.finish();
    return exitStatus(results);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
