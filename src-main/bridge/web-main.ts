// Browser mode: the service behind the loopback bridge, the unchanged renderer in a browser.
//   node dist/web.cjs [--port N] [--no-open] [--synthetic-rows N [--synthetic-interval-ms MS]]
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SafeKillError } from '../../src-shared/errors';
import { composeService } from '../service/compose';
import { defaultDataDir } from '../service/data-dir';
import { startBridge } from './bridge-server';
import { createSyntheticSource } from './synthetic-source';
import { parseWebArgs } from './web-args';

const CHROMIUM = '/usr/bin/chromium';

interface OpenedBrowser {
  child: ChildProcess;
  /** Ends the whole browser (its own process group) and removes its temporary profile. */
  close(): Promise<void>;
}

/** Opens the page as an app window when there is a display and Chromium to show it. */
function openInChromium(url: string): OpenedBrowser | undefined {
  if (!process.env.DISPLAY || !fs.existsSync(CHROMIUM)) return undefined;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-chromium-'));
  // Its own process group, so the whole browser (zygote, renderers) ends with it.
  const args = [`--app=${url}`, `--user-data-dir=${profile}`, '--no-first-run', '--disable-sync'];
  // Chromium refuses to start as root with its sandbox on; it only ever shows our own page.
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  const child = spawn(CHROMIUM, args, { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    child,
    async close() {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGTERM');
      } catch {
        // The group is gone already.
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

async function main(): Promise<void> {
  const args = parseWebArgs(process.argv.slice(2));
  const rendererDir = path.join(__dirname, 'renderer');
  if (!fs.existsSync(path.join(rendererDir, 'index.html')))
    throw new SafeKillError('not-found', `the UI is not built (${rendererDir}); run npm run build`);
  const service = composeService({
    dataDir: defaultDataDir(),
    mode: 'browser',
    source: args.syntheticRows
      ? createSyntheticSource(args.syntheticRows, undefined, args.syntheticIntervalMs)
      : undefined,
  });
  const bridge = await startBridge({ service, rendererDir, port: args.port });
  const opened: { browser?: OpenedBrowser } = {};

  // Ready to stop before the address is printed: whoever reads it may signal at once.
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    // Cancel first: no kill step is sent after this (targets not yet forced live on).
    await service.close();
    await bridge.close();
    await opened.browser?.close();
    console.log('SafeKill UI stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

  if (args.syntheticRows)
    console.log(`Benchmark data: ${args.syntheticRows} synthetic rows, not real processes.`);
  console.log(`SafeKill UI: ${bridge.url}`);
  opened.browser = args.open ? openInChromium(bridge.url) : undefined;
  if (opened.browser) console.log('Opened it in Chromium.');
}

main().catch((e: unknown) => {
  console.error(`safekill: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
});
