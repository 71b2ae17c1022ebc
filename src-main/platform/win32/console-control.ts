import fs from 'node:fs';
import { SafeKillError } from '../../../src-shared/errors';
import { consoleHelperPath } from '../../runtime-paths';
import { parseHelperOutput, type HelperMode, type HelperReport } from './console-helper-main';

/** Runs the console helper for one target; resolves with its report, or rejects with why not. */
export type ConsoleHelperRunner = (mode: HelperMode, pid: number) => Promise<HelperReport>;

const HELPER_TIMEOUT_MS = 10_000;

/**
 * dist/console-helper.cjs beside the running bundle (the CLI or the app's main); in the packaged
 * app, its unpacked copy beside app.asar, so Electron-as-Node runs it as a plain file.
 */
export function defaultHelperPath(): string | undefined {
  if (typeof __dirname !== 'string') return undefined;
  const p = consoleHelperPath(__dirname);
  return fs.existsSync(p) ? p : undefined;
}

/** Runs the work it is given one piece at a time, in the order given, whatever each one's fate. */
export function createLane(): <T>(work: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return (work) => {
    const mine = last.then(work);
    last = mine.catch(() => undefined);
    return mine;
  };
}

/**
 * One helper at a time in this process. Every helper on a console receives the Ctrl+C another
 * sends, and one that has attached but not yet made itself deaf to it dies of it before
 * reporting: with `--tree` on one console, or two kills at once in the app, that turned a
 * delivered Ctrl+C into a failed step and an early Ctrl+Break. Ctrl+Break cannot be ignored at
 * all. A queued step loses no grace: its countdown starts when its own helper reports it sent.
 */
const helperLane = createLane();

/**
 * Starts the helper, one at a time, with this process's own executable as Node
 * (ELECTRON_RUN_AS_NODE makes the app's Electron binary behave as Node). Not `detached`: on
 * Windows that also means a new process group, and Wine delivers Ctrl+C for group 0 only within
 * the sender's own group; the helper drops the console it may inherit before attaching to the
 * target's. windowsHide keeps a console window from flashing up.
 */
export function spawnConsoleHelper(helperPath = defaultHelperPath()): ConsoleHelperRunner {
  return (mode, pid) => helperLane(() => runHelperProcess(helperPath, mode, pid));
}

async function runHelperProcess(
  helperPath: string | undefined,
  mode: HelperMode,
  pid: number,
): Promise<HelperReport> {
  // Loaded here, not with the module: every Linux kill loads this module, none runs the helper.
  const { execFile } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    if (!helperPath) {
      reject(
        new SafeKillError('internal', 'the console helper (console-helper.cjs) was not built'),
      );
      return;
    }
    execFile(
      process.execPath,
      [helperPath, mode, String(pid)],
      {
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
        windowsHide: true,
        timeout: HELPER_TIMEOUT_MS,
        encoding: 'utf8',
      },
      (err, stdout) => {
        const code =
          err && typeof (err as { code?: unknown }).code === 'number'
            ? (err as { code: number }).code >>> 0
            : err
              ? null
              : 0;
        const report = parseHelperOutput(stdout, code);
        if (report) resolve(report);
        else
          reject(
            new SafeKillError(
              'internal',
              `the console helper failed (${err ? err.message.split('\n')[0] : 'no report'})`,
            ),
          );
      },
    );
  });
}
