import { SafeKillError } from '../../src-shared/errors';
import { MAX_GRACE_MS, type StrategyChoice } from '../../src-shared/kill';

/**
 * What the unprivileged side may ask the privileged helper for: pinned targets (PID + start
 * time) and the plan's options, nothing else. Both sides use these functions: the launcher to
 * write the helper's argv, the helper to read it back and validate it again (it trusts nothing
 * that came through pkexec).
 */
export interface HelperRequest {
  targets: { pid: number; startTime: number }[];
  /** `auto` or a signal: the helper sends signals only (no window close of another user). */
  strategy: StrategyChoice;
  graceMs?: number;
  tree: boolean;
}

/** A request the helper will not run: answered with exit status 2 and nothing sent. */
export class HelperRequestError extends SafeKillError {
  constructor(message: string) {
    super('bad-input', `helper: ${message}`);
  }
}

/** The steps the helper can take, for the plan: signals only. */
export const HELPER_STEPS_NOTE =
  'ended through the administrator helper (polkit): it sends signals only; closing the windows of another user (X11, Wayland) is not attempted';

const MAX_TARGETS = 256;

/** The helper's bound on one request, checked on both sides: here before any password prompt. */
function checkCount(n: number): void {
  if (n === 0) throw new HelperRequestError('no target');
  if (n > MAX_TARGETS)
    throw new HelperRequestError(
      `at most ${MAX_TARGETS} targets at once through the administrator helper (${n} given); nothing was sent and no password was asked for: end them in parts`,
    );
}

/** The helper's argv for `req`; refused, before anything is launched, if the helper would. */
export function helperArgv(req: HelperRequest): string[] {
  checkCount(req.targets.length);
  const argv = ['kill'];
  for (const t of req.targets) argv.push(`${t.pid}@${t.startTime}`);
  argv.push('--strategy', req.strategy);
  if (req.graceMs !== undefined) argv.push('--grace', String(req.graceMs));
  if (req.tree) argv.push('--tree');
  return argv;
}

function wholeNumber(text: string, what: string, min: number, max: number): number {
  if (!/^\d{1,16}$/.test(text)) throw new HelperRequestError(`bad ${what} "${text}"`);
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new HelperRequestError(`bad ${what} "${text}"`);
  return n;
}

/** Parses and validates the helper's argv strictly: anything unexpected is refused. */
export function parseHelperArgv(argv: readonly string[]): HelperRequest {
  if (argv[0] !== 'kill') throw new HelperRequestError('the only request is "kill"');
  const req: HelperRequest = { targets: [], strategy: 'auto', tree: false };
  const seen = new Set<string>();
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith('--')) {
      if (seen.has(arg)) throw new HelperRequestError(`${arg} given twice`);
      seen.add(arg);
    }
    if (arg === '--tree') req.tree = true;
    else if (arg === '--strategy') {
      const s = argv[++i] ?? '';
      if (s !== 'auto' && !/^signal:SIG(TERM|INT|HUP|QUIT|WINCH|KILL)$/.test(s))
        throw new HelperRequestError(
          `strategy "${s}" is not one the helper takes: auto or a signal (signals only)`,
        );
      req.strategy = s as StrategyChoice;
    } else if (arg === '--grace') {
      req.graceMs = wholeNumber(argv[++i] ?? '', 'grace period', 0, MAX_GRACE_MS);
    } else if (arg.startsWith('-')) throw new HelperRequestError(`unknown option ${arg}`);
    else {
      const m = /^(\d{1,10})@(\d{1,16})$/.exec(arg);
      if (!m)
        throw new HelperRequestError(
          `target "${arg}" is not pinned: the helper takes only PID@STARTTIME`,
        );
      const pid = wholeNumber(m[1]!, 'PID', 1, 2 ** 31 - 1);
      const startTime = wholeNumber(m[2]!, 'start time', 0, Number.MAX_SAFE_INTEGER);
      if (req.targets.some((t) => t.pid === pid))
        throw new HelperRequestError(`PID ${pid} given twice`);
      req.targets.push({ pid, startTime });
    }
  }
  checkCount(req.targets.length);
  return req;
}
