import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ProcessRow } from '../../src-shared/process';
import { TARGET, cleanupHolders, killQuietly, runCli, spawnTarget } from '../helpers/processes';

type Nested = ProcessRow & { children: Nested[] };
const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  cleanupHolders();
});
afterAll(cleanupHolders);

async function spawnTagged(): Promise<{ tag: string; pid: number }> {
  const tag = `list-tag-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const child = spawn(process.execPath, [TARGET, '--tag', tag], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  await new Promise((resolve) => child.stdout!.once('data', resolve));
  return { tag, pid: child.pid! };
}

describe('safekill list', () => {
  it('--json --filter prints one JSON array holding the matching process', async () => {
    const { tag, pid } = await spawnTagged();
    const r = await runCli(['list', '--json', '--filter', tag]);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as ProcessRow[];
    const target = rows.find((x) => x.pid === pid)!;
    expect(target.cmdline).toBe(`${process.execPath} ${TARGET} --tag ${tag}`);
    expect(target.ppid).toBe(process.pid);
    expect(target.state).toBe('sleeping');
    expect(target.protectedReason).toBeUndefined();
    // The list process's own command line holds the tag too, but it is never a match.
    expect(rows).toHaveLength(1);
  });

  it('--tree --json nests three generations under the holder', async () => {
    const held = await spawnTarget(['--children', '1', '--grandchild'], 3);
    try {
      const r = await runCli(['list', '--json', '--tree', '--filter', String(held.holder.pid)]);
      expect(r.code).toBe(0);
      const roots = JSON.parse(r.stdout) as Nested[];
      // A PID filter keeps the holder and its ancestors: one chain from a root down to it.
      let node: Nested | undefined = roots[0];
      expect(roots).toHaveLength(1);
      while (node && node.pid !== held.holder.pid) node = node.children[0];
      expect(node?.pid).toBe(held.holder.pid);
      // Its descendants did not match the filter, so they are not shown.
      expect(node!.children).toEqual([]);

      const all = JSON.parse((await runCli(['list', '--json', '--tree'])).stdout) as Nested[];
      const find = (ns: Nested[]): Nested | undefined =>
        ns.map((n) => (n.pid === held.holder.pid ? n : find(n.children))).find(Boolean);
      const holder = find(all)!;
      const chain = [holder.children[0]!];
      chain.push(chain[0]!.children[0]!, chain[0]!.children[0]!.children[0]!);
      expect(chain.map((n) => n.pid).sort()).toEqual([...held.pids].sort());
      expect(chain.map((n) => n.children.length)).toEqual([1, 1, 0]);
    } finally {
      for (const pid of held.pids) killQuietly(pid);
    }
  });

  it('--sort orders the rows (cpu and mem busiest first)', async () => {
    for (const [key, field, dir] of [
      ['mem', 'rssBytes', -1],
      ['cpu', 'cpuPercent', -1],
      ['pid', 'pid', 1],
    ] as const) {
      const rows = JSON.parse(
        (await runCli(['list', '--json', '--sort', key])).stdout,
      ) as ProcessRow[];
      expect(rows.length).toBeGreaterThan(5);
      for (let i = 1; i < rows.length; i++)
        expect(Math.sign(rows[i]![field] - rows[i - 1]![field] || dir)).toBe(dir);
    }
  });

  it('prints a readable table when not asked for JSON', async () => {
    const { tag, pid } = await spawnTagged();
    const r = await runCli(['list', '--filter', tag, '--sort', 'name']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    // The first line says how CPU % was measured; the column header follows.
    expect(lines[0]).toMatch(/^# CPU% since each process started/);
    expect(lines[1]).toMatch(/^\s+PID\s+PPID USER\s+STATE\s+CPU%\s+MEM STARTED\s+FLG COMMAND$/);
    const line = lines.find((l) => l.trimStart().startsWith(`${pid} `));
    expect(line).toMatch(
      new RegExp(
        `^\\s+${pid}\\s+${process.pid} root\\s+sleeping\\s+\\d+\\.\\d\\s+\\S+ \\d\\d:\\d\\d:\\d\\d\\s+--- .*--tag ${tag}$`,
      ),
    );
  });

  it('gives clear errors: bad sort and stray arguments are usage errors, no match is 1', async () => {
    const bad = await runCli(['list', '--sort', 'size']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown sort "size"; choose one of: cpu, mem, pid, name');
    const stray = await runCli(['list', '1234']);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('list takes no PIDs');
    const unknown = await runCli(['list', '--color']);
    expect(unknown.code).toBe(2);
    const none = await runCli(['list', '--json', '--filter', '999999999']);
    expect(none.code).toBe(1);
    expect(JSON.parse(none.stdout)).toEqual([]);
    expect(none.stderr).toContain('no process matches "999999999"');
  });
});
