import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { KillEvent, KillResult } from '../../src-shared/kill';
import { shellExecuteRunas } from '../platform/win32/shell32';
import { finishUnreported, forwardHelperEvents, helperRun } from './helper-events';
import { helperArgv, type HelperRequest } from './helper-request';
import { windowsHelperCommand } from './windows-helper-command';

/** ShellExecuteEx's answer when the user says No at the UAC prompt. */
export const ERROR_CANCELLED = 1223;

/** ShellExecuteExW with the `runas` verb (SEE_MASK_NOCLOSEPROCESS): 0 on success or the error. */
export type ShellExecuteRunas = (file: string, parameters: string) => number;

export interface RunasDeps {
  onEvent: (e: KillEvent) => void;
  signal?: AbortSignal;
  /** The binding (shell32 through koffi on Windows); a fake in tests. */
  shellExecute?: ShellExecuteRunas;
  /** The helper: program and leading arguments (the helper argv follows). */
  helperCommand?: string[];
  /** How long to wait for the elevated helper to connect after the prompt (ms). */
  connectTimeoutMs?: number;
  pipeName?: string;
}

/** Quotes one argument the way CommandLineToArgvW reads it back. */
export function quoteWindowsArg(arg: string): string {
  if (arg !== '' && !/[\s"]/.test(arg)) return arg;
  return `"${arg.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`;
}

/**
 * What ShellExecuteEx is given: the program, and one parameters string that CommandLineToArgvW
 * (and the C runtime) reads back into exactly the helper's argv.
 */
export function runasCommandLine(
  helperCommand: readonly string[],
  pipe: string,
  req: HelperRequest,
): { file: string; parameters: string } {
  const [file, ...lead] = helperCommand;
  if (!file) throw new Error('no helper program');
  const parameters = [...lead, '--pipe', pipe, ...helperArgv(req)].map(quoteWindowsArg).join(' ');
  return { file, parameters };
}

/**
 * Windows: starts the console helper elevated (`ShellExecuteEx` verb `runas`, which shows the UAC
 * prompt) with a private named pipe to speak the same JSON events over. A declined prompt
 * (ERROR_CANCELLED) is `cancelled`; closing the pipe cancels the helper's ladders.
 */
export function runElevatedWin32(req: HelperRequest, deps: RunasDeps): Promise<KillResult[]> {
  const pipe = deps.pipeName ?? `\\\\.\\pipe\\safekill-elevate-${randomBytes(16).toString('hex')}`;
  const run = helperRun(req.targets, deps.onEvent);
  return new Promise((resolve) => {
    let conn: Socket | undefined;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const server: Server = createServer((socket) => {
      if (conn) return socket.destroy(); // one helper only
      conn = socket;
      clearTimeout(timer);
      socket.on('error', () => {});
      forwardHelperEvents(socket, run);
      socket.on('close', () => finish('failed', 'the administrator helper ended without a result'));
    });
    const onAbort = () => {
      if (conn) conn.end();
      else finish('cancelled', 'cancelled before the administrator helper started');
    };
    deps.signal?.addEventListener('abort', onAbort, { once: true });
    server.on('error', (e) => finish('failed', `the helper pipe failed: ${e.message}`));
    server.listen(pipe, () => {
      const command =
        deps.helperCommand ??
        windowsHelperCommand({
          execPath: process.execPath,
          bundleDir: __dirname,
          electron: process.versions.electron !== undefined,
        });
      let err: number;
      try {
        const { file, parameters } = runasCommandLine(command, pipe, req);
        err = (deps.shellExecute ?? shellExecuteRunas)(file, parameters);
      } catch (e) {
        return finish('failed', `ShellExecuteEx could not be called: ${(e as Error).message}`);
      }
      if (err === ERROR_CANCELLED)
        return finish(
          'cancelled',
          'the UAC prompt was declined (ERROR_CANCELLED); nothing was sent',
        );
      if (err !== 0) return finish('failed', `ShellExecuteEx runas failed (error ${err})`);
      timer = setTimeout(
        () => finish('failed', 'the administrator helper did not connect'),
        deps.connectTimeoutMs ?? 120_000,
      );
    });

    function finish(outcome: 'cancelled' | 'failed', reason: string) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      deps.signal?.removeEventListener('abort', onAbort);
      conn?.destroy();
      server.close();
      resolve(finishUnreported(run, outcome, reason));
    }
  });
}
