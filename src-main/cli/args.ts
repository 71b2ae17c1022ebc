import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SafeKillError } from '../../src-shared/errors';
import {
  MAX_GRACE_MS,
  STRATEGIES_BY_PLATFORM,
  type Platform,
  type StrategyChoice,
} from '../../src-shared/kill';
import { validateGrace } from '../engine/choose-plan';

/** A mistake in how the command was called: exit status 2. */
export class UsageError extends SafeKillError {
  constructor(message: string) {
    super('bad-input', message);
  }
}

export function parsePid(text: string): number {
  if (!/^\d+$/.test(text))
    throw new UsageError(`bad PID "${text}": a PID is a whole number above 0`);
  const pid = Number(text);
  if (pid < 1 || pid > 2 ** 31 - 1)
    throw new UsageError(`bad PID "${text}": a PID is a whole number above 0`);
  return pid;
}

/** `PID` or `PID@STARTTIME` (the `startTime` that `plan --json` and `list --json` print). */
export function parseTarget(text: string): { pid: number; startTime?: number } {
  const at = text.indexOf('@');
  if (at < 0) return { pid: parsePid(text) };
  return { pid: parsePid(text.slice(0, at)), startTime: parseStartTime(text.slice(at + 1)) };
}

export function parseStartTime(text: string): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)))
    throw new UsageError(
      `bad start time "${text}": give the startTime that plan --json or list --json printed`,
    );
  return Number(text);
}

export function parseStrategy(text: string | undefined, platform: Platform): StrategyChoice {
  if (text === undefined || text === 'auto') return 'auto';
  const allowed = STRATEGIES_BY_PLATFORM[platform];
  const found = allowed.find((s) => s === text || s === `signal:${text}`);
  if (!found) {
    throw new UsageError(
      `unknown strategy "${text}" on ${platform}; choose one of: auto, ${allowed.join(', ')}`,
    );
  }
  return found;
}

export function parseGrace(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  // A negative number is answered by the rule it breaks; other text by an example.
  if (!/^-?\d+$/.test(text))
    throw new UsageError(`bad grace period "${text}": give whole milliseconds, e.g. --grace 5000`);
  try {
    return validateGrace(Number(text));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Whole milliseconds for an option such as --dialog-timeout; undefined when not given. */
export function parseDuration(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) > MAX_GRACE_MS)
    throw new UsageError(`bad ${option} "${text}": give whole milliseconds, e.g. ${option} 60000`);
  return Number(text);
}

/** node:util parseArgs, with its errors turned into one-line usage errors. */
export function parseOptions<T extends ParseArgsConfig['options']>(argv: string[], options: T) {
  try {
    return parseArgs({
      args: joinNegativeValues(argv, options),
      options,
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError(
      (e as Error).message.split('\n')[0]!.replace(/\. To specify a positional.*$/, ''),
    );
  }
}

/**
 * `--grace -1` as `--grace=-1`: parseArgs takes a value that starts with a dash for an option
 * ("argument is ambiguous"), so a negative number after an option that takes a value is joined
 * to it and answered by that option's own check.
 */
function joinNegativeValues(argv: string[], options: ParseArgsConfig['options']): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const next = argv[i + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    if (name && options?.[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}
