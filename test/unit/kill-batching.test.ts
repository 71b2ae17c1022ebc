import { describe, expect, it } from 'vitest';
import type { KillEvent } from '../../src-shared/kill';
import { lineBatch } from '../../src-main/cli/line-batch';
import { parseSample } from '../../src-main/cli/commands/list';
import { parsePort, resolveTargets, targetKind } from '../../src-main/cli/resolve-targets';
import { holdEvents } from '../../src-main/kill/hold-events';
import { listeningInodes } from '../../src-main/platform/linux/find-targets';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

describe('holdEvents', () => {
  it('holds events until release, then passes them on in order and later ones straight through', () => {
    const seen: number[] = [];
    const h = holdEvents((e) => seen.push(e.pid));
    h.onEvent({ type: 'tree', pid: 1, order: [], reason: '' } as KillEvent);
    h.onEvent({ type: 'tree', pid: 2, order: [], reason: '' } as KillEvent);
    expect(seen).toEqual([]);
    h.release();
    expect(seen).toEqual([1, 2]);
    h.onEvent({ type: 'tree', pid: 3, order: [], reason: '' } as KillEvent);
    expect(seen).toEqual([1, 2, 3]);
  });
});

describe('lineBatch', () => {
  it('writes a burst of lines in one write on the next turn, and at once on flush', async () => {
    const writes: string[] = [];
    const b = lineBatch({ write: (t: string) => writes.push(t) });
    b.push('a');
    b.push('b');
    expect(writes).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(writes).toEqual(['a\nb\n']);
    b.push('c');
    b.flush();
    expect(writes).toEqual(['a\nb\n', 'c\n']);
    b.flush();
    expect(writes).toHaveLength(2);
  });
});

describe('kill arguments', () => {
  const f = (pid: number, name: string) => ({ pid, startTime: pid * 10, name, cmdline: name });
  const finders = {
    byName: (n: string) =>
      n === 'two' ? [f(5, 'two'), f(6, 'two')] : n === 'one' ? [f(7, 'one')] : [],
    byPort: (p: number) => ({ found: p === 80 ? [f(9, 'httpd')] : [], unreadable: 0 }),
  };

  it('tells PIDs, ports and names apart', () => {
    expect(targetKind('123')).toBe('pid');
    expect(targetKind('123@456')).toBe('pid');
    expect(targetKind(':80')).toBe('port');
    expect(targetKind('firefox')).toBe('name');
    expect(parsePort(':8080')).toBe(8080);
    expect(() => parsePort(':0')).toThrow(/bad port/);
    expect(() => parsePort(':http')).toThrow(/bad port/);
  });

  it('resolves with start times, and needs --all for several matches', () => {
    expect(resolveTargets(['1', 'one', ':80'], false, finders)).toEqual([
      { pid: 1 },
      { pid: 7, startTime: 70, found: true },
      { pid: 9, startTime: 90, found: true },
    ]);
    expect(() => resolveTargets(['two'], false, finders)).toThrow(/2 processes named "two"/);
    expect(resolveTargets(['two'], true, finders).map((t) => t.pid)).toEqual([5, 6]);
    expect(() => resolveTargets(['none'], true, finders)).toThrow(/no process named "none"/);
    expect(() => resolveTargets([':81'], true, finders)).toThrow(/no process listening on port 81/);
  });

  it('reads listening sockets from /proc/net: TCP LISTEN and bound UDP only', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sk-net-'));
    const head =
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
    writeFileSync(
      path.join(dir, 'tcp'),
      head +
        '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1 0 100 0 0 10 0\n' +
        '   1: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 222 1 0 100 0 0 10 0\n',
    );
    writeFileSync(
      path.join(dir, 'udp6'),
      head +
        '  5: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 333 2 0 0\n',
    );
    expect([...listeningInodes(8080, dir)].sort()).toEqual(['111', '333']);
    expect(listeningInodes(8081, dir).size).toBe(0);
  });
});

describe('list --sample', () => {
  it('defaults to 0 (CPU since start) and takes whole milliseconds', () => {
    expect(parseSample(undefined)).toBe(0);
    expect(parseSample('300')).toBe(300);
    expect(() => parseSample('-1')).toThrow(/bad --sample/);
    expect(() => parseSample('999999')).toThrow(/bad --sample/);
  });
});

describe('selfLineage', () => {
  it('is read once per burst and afresh after its time or when the parent changes', async () => {
    const { selfLineage, SELF_LINEAGE_TTL_MS } =
      await import('../../src-main/platform/linux/self-lineage');
    if (process.platform !== 'linux') return;
    const a = selfLineage(1_000_000);
    expect(a.has(process.pid)).toBe(true);
    expect(a.has(process.ppid)).toBe(true);
    expect(selfLineage(1_000_000 + SELF_LINEAGE_TTL_MS / 2)).toBe(a);
    expect(selfLineage(1_000_000 + SELF_LINEAGE_TTL_MS * 2)).not.toBe(a);
    const b = selfLineage(2_000_000);
    expect(selfLineage(2_000_000, process.pid, process.ppid + 1)).not.toBe(b);
  });

  it("is the platform's too: a kill's protection checks and its family read share one walk", async () => {
    if (process.platform !== 'linux') return;
    const { selfLineage } = await import('../../src-main/platform/linux/self-lineage');
    const { linuxPlatform } = await import('../../src-main/platform/linux/linux-platform');
    const walked = selfLineage();
    expect(linuxPlatform().selfLineage()).toBe(walked);
  });
});
