import { planFor } from '../../kill/kill-targets';
import { currentPlatform } from '../../platform/current';
import { commandProfiles } from '../profiles';
import { UsageError, parseGrace, parseOptions, parseStrategy, parseTarget } from '../args';
import type { CliIo } from '../io';

export async function planCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    strategy: { type: 'string' },
    grace: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length !== 1)
    throw new UsageError('plan takes exactly one PID, e.g. safekill plan 1234');
  const { pid, startTime } = parseTarget(positionals[0]!);
  const platform = currentPlatform({ profiles: await commandProfiles() });
  const { facts, plan } = await planFor(
    pid,
    {
      strategy: parseStrategy(values.strategy, platform.platform),
      graceMs: parseGrace(values.grace),
    },
    platform,
    startTime,
  );
  if (values.json) {
    const line = {
      type: 'plan',
      pid,
      startTime: plan.startTime,
      plan,
      protectedReason: facts.protectedReason,
    };
    io.stdout.write(JSON.stringify(line) + '\n');
    return 0;
  }
  const lines = [`PID ${pid} (${plan.name}, started ${plan.startTime}): ${plan.summary}`];
  if (facts.protectedReason)
    lines.push(`  protected: ${facts.protectedReason} (needs --force-protected)`);
  plan.steps.forEach((s, i) => {
    lines.push(`  ${i + 1}. ${s.strategy}, then wait ${s.graceMs} ms — ${s.reason}`);
  });
  if (plan.alsoReaches?.length) lines.push(`  also reaches: ${plan.alsoReaches.join(', ')}`);
  const d = plan.dispositions;
  if (d) {
    const list = (names: string[]) => (names.length ? names.join(' ') : 'none');
    lines.push(`  catches: ${list(d.caught)}`);
    lines.push(`  ignores: ${list(d.ignored)}`);
    if (d.blocked.length) lines.push(`  blocks: ${list(d.blocked)}`);
  }
  if (plan.profile) {
    const note = plan.profile.note ? `; ${plan.profile.note}` : '';
    lines.push(`  profile: ${plan.profile.name} (${plan.profile.source})${note}`);
  }
  if (plan.nativeStop) {
    lines.push(
      `  its own stop (not run): ${plan.nativeStop.command.join(' ')} — ${plan.nativeStop.note}`,
    );
  }
  for (const w of plan.warnings ?? []) lines.push(`  warning: ${w}`);
  lines.push(`  how: ${plan.mechanism}`);
  io.stdout.write(lines.join('\n') + '\n');
  return 0;
}
