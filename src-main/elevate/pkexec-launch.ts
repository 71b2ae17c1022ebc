import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import type { KillEvent, KillResult } from '../../src-shared/kill';
import { finishUnreported, forwardHelperEvents, helperRun } from './helper-events';
import { helperArgv, type HelperRequest } from './helper-request';

/** pkexec's own exit statuses: the prompt was dismissed, or the user is not authorized. */
export const PKEXEC_DISMISSED = 126;
export const PKEXEC_NOT_AUTHORIZED = 127;

export interface ElevateDeps {
  onEvent: (e: KillEvent) => void;
  /** Cancels: the helper's stdin is closed, and it cancels its ladders (not yet forced live on). */
  signal?: AbortSignal;
  /** The command pkexec runs: [program, ...args]; the helper's argv is appended. */
  helperCommand?: string[];
  pkexec?: string;
  spawn?: (cmd: string, args: string[], opts: SpawnOptions) => ChildProcess;
  /** How long the prompt may stay unanswered after a cancel before pkexec is ended (ms). */
  cancelGraceMs?: number;
}

export const INSTALLED_HELPER = '/usr/lib/safekill/safekill-helper';

/**
 * The helper pkexec runs: `SAFEKILL_HELPER` (the installed `safekill-helper`, which the polkit
 * action `org.safekill.end-process` names), else this same CLI in helper mode.
 */
export function defaultHelperCommand(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.SAFEKILL_HELPER) return [env.SAFEKILL_HELPER];
  // The installed app: the wrapper the polkit action names (exec.path), shipped by the deb.
  if (process.versions.electron) return [INSTALLED_HELPER];
  return [process.execPath, process.argv[1] ?? 'dist/cli.cjs', 'helper'];
}

/**
 * Ends pinned targets through `pkexec <helper> kill PID@START…`: the helper's JSON events are
 * passed on as they come. A dismissed or refused password prompt (pkexec 126/127) is `cancelled`
 * with pkexec's reason; a helper that ends without a result for a target is `failed`. Cancel
 * closes the helper's stdin (a root process cannot be signalled from here); a pkexec still at its
 * prompt is ended (it still runs as us until authorized).
 */
export function runElevated(req: HelperRequest, deps: ElevateDeps): Promise<KillResult[]> {
  const spawn = deps.spawn ?? nodeSpawn;
  const command = [...(deps.helperCommand ?? defaultHelperCommand()), ...helperArgv(req)];
  const run = helperRun(req.targets, deps.onEvent);
  return new Promise((resolve) => {
    let stderr = '';
    let sawEvent = false;
    let child: ChildProcess;
    try {
      child = spawn(deps.pkexec ?? 'pkexec', command, {
        stdio: ['pipe', 'pipe', 'pipe'],
        // Let pkexec keep DISPLAY etc. for a graphical agent; the helper drops them itself.
        env: process.env,
      });
    } catch (e) {
      finishAll('failed', `pkexec could not be started: ${(e as Error).message}`);
      return;
    }
    child.stdin?.on('error', () => {});
    forwardHelperEvents(child.stdout!, run, () => {
      sawEvent = true;
    });
    child.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < 4096) stderr += d.toString();
    });

    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      child.stdin?.end();
      // Until the helper speaks, pkexec is still ours (the prompt): end it if it lingers.
      killTimer = setTimeout(() => {
        if (!sawEvent) child.kill('SIGTERM');
      }, deps.cancelGraceMs ?? 2000);
      killTimer.unref?.();
    };
    if (deps.signal?.aborted) onAbort();
    else deps.signal?.addEventListener('abort', onAbort, { once: true });

    let closed = false;
    const onClose = (code: number | null, sig: NodeJS.Signals | null) => {
      if (closed) return;
      closed = true;
      clearTimeout(killTimer);
      deps.signal?.removeEventListener('abort', onAbort);
      const said = stderr.trim().split('\n')[0] ?? '';
      if (!sawEvent && (code === PKEXEC_DISMISSED || code === PKEXEC_NOT_AUTHORIZED))
        finishAll(
          'cancelled',
          `not authorized to end it as administrator (polkit, pkexec exit ${code}${said ? `: ${said}` : ''}); nothing was sent`,
        );
      else if (!sawEvent && deps.signal?.aborted)
        finishAll('cancelled', 'cancelled at the password prompt; nothing was sent');
      else
        finishAll(
          'failed',
          `the administrator helper ended (${sig ?? `exit ${code}`}) without a result${said ? `: ${said}` : ''}`,
        );
    };
    child.on('error', (e) => {
      stderr += `${(e as Error).message}\n`;
      onClose(null, null);
    });
    child.on('close', onClose);

    function finishAll(outcome: 'cancelled' | 'failed', reason: string) {
      resolve(finishUnreported(run, outcome, reason));
    }
  });
}
