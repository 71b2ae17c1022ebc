import { SafeKillError } from '../../src-shared/errors';

export interface WebArgs {
  port: number;
  open: boolean;
  /** Benchmark only: serve a made-up list of this many rows instead of the real processes. */
  syntheticRows?: number;
  /** With them: how often they change, in ms (the real list's 1 s by default). */
  syntheticIntervalMs?: number;
}

export function parseWebArgs(argv: string[]): WebArgs {
  const out: WebArgs = { port: 0, open: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = (what: string, max: number) => {
      const v = argv[++i];
      if (v === undefined || !/^\d+$/.test(v) || Number(v) > max)
        throw new SafeKillError('bad-input', `${what} needs a number from 0 to ${max}`);
      return Number(v);
    };
    if (a === '--port') out.port = num('--port', 65535);
    else if (a === '--no-open') out.open = false;
    else if (a === '--synthetic-rows') out.syntheticRows = num('--synthetic-rows', 1_000_000);
    else if (a === '--synthetic-interval-ms')
      out.syntheticIntervalMs = Math.max(10, num('--synthetic-interval-ms', 60_000));
    else throw new SafeKillError('bad-input', `unknown option ${a}; use --port N or --no-open`);
  }
  return out;
}
