import { describe, expect, it } from 'vitest';
import { familiesOf, familyOf, survivorsOf, type ProcInfo } from '../../src-main/engine/family';
import { isLockLike, parseSocketTable } from '../../src-main/platform/linux/proc-holdings';

const proc = (pid: number, ppid: number, pgrp: number, session: number): ProcInfo => ({
  pid,
  ppid,
  pgrp,
  session,
  startTime: pid * 10,
  name: `p${pid}`,
});

describe('familyOf', () => {
  const table = new Map(
    [
      proc(1, 0, 1, 1),
      proc(50, 1, 50, 50), // the user's shell
      proc(100, 50, 100, 100), // target: leads its group and session
      proc(101, 100, 100, 100),
      proc(102, 101, 102, 100), // grandchild in its own group
      proc(103, 1, 100, 100), // re-parented to init, still in the group
      proc(104, 1, 104, 100), // re-parented, still in the session
      proc(200, 50, 50, 50), // the shell's other job
    ].map((p) => [p.pid, p]),
  );

  it('is descendants first, then the group and session the target leads', () => {
    expect(familyOf(100, table, new Set()).map((m) => [m.pid, m.relation])).toEqual([
      [101, 'descendant'],
      [102, 'descendant'],
      [103, 'process-group'],
      [104, 'session'],
    ]);
  });

  it('leaves out a group and session the target does not lead, and the excluded', () => {
    expect(familyOf(101, table, new Set()).map((m) => m.pid)).toEqual([102]);
    expect(familyOf(100, table, new Set([103])).map((m) => m.pid)).toEqual([101, 102, 104]);
  });
});

describe('survivorsOf', () => {
  const before = [
    { pid: 7, startTime: 70, name: 'a', relation: 'descendant' as const },
    { pid: 8, startTime: 80, name: 'b', relation: 'descendant' as const },
    { pid: 9, startTime: 90, name: 'c', relation: 'session' as const },
  ];

  it('never reports a reused PID, a gone one or one with its own result', () => {
    const now = new Map([
      [7, 70], // still the same process
      [8, 81], // PID 8 now names another process
    ]);
    expect(survivorsOf(before, (pid) => now.get(pid)).map((m) => m.pid)).toEqual([7]);
    expect(survivorsOf(before, (pid) => now.get(pid), new Set([7]))).toEqual([]);
  });
});

describe('/proc/net tables', () => {
  // Recorded from this machine: a listener on 127.0.0.1:8080, an established connection, and
  // a listener on [::1]:5432.
  const tcp = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0
   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 4343 1 0000000000000000 20 4 30 10 -1
`;
  const tcp6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:1538 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000   105        0 5151 1 0000000000000000 100 0 0 10 0
`;
  const udp = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  311: 00000000:14E9 00000000:0000 07 00000000:00000000 00:00000000 00000000   108        0 6161 2 0000000000000000 0
`;

  it('keeps listening TCP and bound UDP sockets, with their inodes', () => {
    expect(parseSocketTable(tcp, 'tcp')).toEqual([
      { proto: 'tcp', address: '127.0.0.1', port: 8080, inode: 4242 },
    ]);
    expect(parseSocketTable(tcp6, 'tcp')).toEqual([
      { proto: 'tcp', address: '[::1]', port: 5432, inode: 5151 },
    ]);
    expect(parseSocketTable(udp, 'udp')).toEqual([
      { proto: 'udp', address: '0.0.0.0', port: 5353, inode: 6161 },
    ]);
  });

  it('knows lock and PID files', () => {
    expect(isLockLike('/tmp/x/family.lock')).toBe(true);
    expect(isLockLike('/run/nginx.pid')).toBe(true);
    expect(isLockLike('/var/lock/LCK..ttyS0')).toBe(true);
    expect(isLockLike('/home/u/notes.txt')).toBe(false);
    expect(isLockLike('pipe:[123]')).toBe(false);
  });
});

describe('familiesOf', () => {
  it('gives each root the family familyOf gives it, from one index of the snapshot', () => {
    const procs: ProcInfo[] = [
      { pid: 1, ppid: 0, pgrp: 1, session: 1, startTime: 1, name: 'init' },
      { pid: 10, ppid: 1, pgrp: 10, session: 10, startTime: 2, name: 'leader' },
      { pid: 11, ppid: 10, pgrp: 10, session: 10, startTime: 3, name: 'child' },
      { pid: 12, ppid: 1, pgrp: 10, session: 10, startTime: 4, name: 'adopted' },
      { pid: 20, ppid: 1, pgrp: 10, session: 10, startTime: 5, name: 'not a leader' },
      { pid: 21, ppid: 20, pgrp: 10, session: 10, startTime: 6, name: 'its child' },
    ];
    const table = new Map(procs.map((p) => [p.pid, p]));
    const all = familiesOf([10, 20, 99], table, new Set([12]));
    expect([...all.keys()]).toEqual([10, 20, 99]);
    for (const root of [10, 20, 99])
      expect(all.get(root)).toEqual(familyOf(root, table, new Set([12])));
    expect(all.get(10)!.map((m) => [m.pid, m.relation])).toEqual([
      [11, 'descendant'],
      [20, 'process-group'],
      [21, 'process-group'],
    ]);
    expect(all.get(20)!.map((m) => m.pid)).toEqual([21]);
    expect(all.get(99)).toEqual([]);
  });
});
