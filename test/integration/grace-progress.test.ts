/**
 * The grace period follows visible progress (issue 12, part 4): a real program that writes
 * 200 MB slowly after SIGTERM is given more time, and its file is complete.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, killQuietly, runCli, tmpFile } from '../helpers/processes';

const WRITER = path.join(ROOT, 'test/fixtures/slow-writer.cjs');
const started: number[] = [];
const holders: number[] = [];

afterAll(() => [...started, ...holders].forEach(killQuietly));

function startWriter(file: string, mb: number): Promise<number> {
  // Under a holder that never reaps it, so its exit code is read from its zombie entry.
  const child = spawn(
    'sh',
    ['-c', '"$@" & exec sleep 3600', 'sh', process.execPath, WRITER, file, String(mb)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  holders.push(child.pid!);
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      const m = /ready (\d+)/.exec(d.toString());
      if (m) {
        started.push(Number(m[1]));
        resolve(Number(m[1]));
      }
    });
    child.on('error', reject);
  });
}

describe.runIf(process.platform === 'linux')('grace that follows progress', () => {
  it('extends the grace while the program is still writing; the file is complete', async () => {
    const file = tmpFile('snapshot.bin');
    const pid = await startWriter(file, 200);
    const run = await runCli(['kill', '--json', '--grace', '1000', String(pid)]);
    expect(run.code).toBe(0);
    const extended = run.events.filter((e) => e.type === 'extended');
    expect(extended.length).toBeGreaterThan(0);
    expect(String(extended[0]!.reason)).toMatch(/^still reading or writing: \d+ MB in the last/);
    expect(run.events.some((e) => e.type === 'escalated')).toBe(false);
    expect(run.events.find((e) => e.type === 'result')).toMatchObject({
      outcome: 'exited',
      exitCode: 0,
    });
    expect(fs.statSync(file).size).toBe(200 << 20);
  });

  it('never past --max-grace: then forced, and the result says what it was doing', async () => {
    const file = tmpFile('snapshot.bin');
    const pid = await startWriter(file, 2000); // about 20 s of writing
    const run = await runCli([
      'kill',
      '--json',
      '--grace',
      '500',
      '--max-grace',
      '1500',
      String(pid),
    ]);
    const result = run.events.find((e) => e.type === 'result')!;
    expect(result).toMatchObject({ outcome: 'force-killed', signal: 'SIGKILL' });
    expect(String(result.reason)).toContain(
      'when the grace ran out it was still reading or writing',
    );
    expect(run.events.filter((e) => e.type === 'extended')).toHaveLength(2);
    fs.rmSync(file, { force: true });
  });
});
