import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  supervisorFromCgroup,
  supervisorFromParent,
  supervisorStop,
} from '../../src-main/engine/supervisor';

const rec = (name: string) =>
  fs.readFileSync(path.join(import.meta.dirname, 'cgroup-recordings', name), 'utf8');
const ID = '3f4e5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a';

describe('the unit or container from /proc/PID/cgroup', () => {
  it.each([
    ['v2-system-service.txt', { kind: 'systemd', unit: 'nginx.service', user: false }],
    ['v1-system-service.txt', { kind: 'systemd', unit: 'ssh.service', user: false }],
    ['v2-user-service.txt', { kind: 'systemd', unit: 'syncthing.service', user: true }],
    ['v2-user-scope.txt', { kind: 'systemd', unit: 'vte-spawn-5a1c.scope', user: true }],
    ['v2-login-session.txt', { kind: 'systemd', unit: 'session-3.scope', user: false }],
    ['v2-docker-systemd-driver.txt', { kind: 'docker', id: ID }],
    ['v1-docker.txt', { kind: 'docker', id: ID }],
    [
      'v2-podman-rootless.txt',
      { kind: 'podman', id: '9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b' },
    ],
    [
      'v2-containerd.txt',
      {
        kind: 'containerd',
        id: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      },
    ],
    ['v2-lxc.txt', { kind: 'lxc', id: 'web1' }],
  ])('%s', (file, want) => {
    expect(supervisorFromCgroup(rec(file))).toEqual(want);
  });

  it('names nothing for PID 1 or a process outside any unit (this container)', () => {
    expect(supervisorFromCgroup(rec('v2-init.txt'))).toBeUndefined();
    expect(supervisorFromCgroup('0::/\n')).toBeUndefined();
    expect(supervisorFromCgroup(rec('this-container.txt'))).toBeUndefined();
  });

  it('offers the supervisor’s own stop', () => {
    expect(
      supervisorStop({ kind: 'systemd', unit: 'syncthing.service', user: true })?.command,
    ).toEqual(['systemctl', '--user', 'stop', 'syncthing.service']);
    // A scope is a session or an app, not something systemd starts again.
    expect(
      supervisorStop({ kind: 'systemd', unit: 'session-3.scope', user: false }),
    ).toBeUndefined();
    expect(supervisorStop({ kind: 'docker', id: ID })?.command).toEqual([
      'docker',
      'stop',
      ID.slice(0, 12),
    ]);
  });
});

describe('a supervising parent', () => {
  it('is known by its command line', () => {
    expect(
      supervisorFromParent(40, 'supervisord', ['/usr/bin/python3', '/usr/bin/supervisord', '-n']),
    ).toEqual({ kind: 'supervisord', pid: 40, name: 'supervisord' });
    expect(supervisorFromParent(41, 'runsv', ['runsv', 'web'])).toMatchObject({ kind: 'runsv' });
    expect(
      supervisorFromParent(42, 'PM2 v5.3.0: God', ['PM2 v5.3.0: God Daemon (/root/.pm2)']),
    ).toMatchObject({ kind: 'pm2' });
    expect(supervisorFromParent(43, 'bash', ['bash'])).toBeUndefined();
  });
});

describe("the supervisor's own stop", () => {
  it('gives supervisorctl the configuration file supervisord was started with', () => {
    for (const argv of [
      ['/usr/bin/python3', '/usr/bin/supervisord', '-c', '/tmp/s.conf'],
      ['supervisord', '--configuration=/tmp/s.conf', '-n'],
      ['supervisord', '-c/tmp/s.conf'],
    ]) {
      const s = supervisorFromParent(40, 'supervisord', argv)!;
      expect(supervisorStop(s, 'web')).toMatchObject({
        command: ['supervisorctl', '-c', '/tmp/s.conf', 'stop', 'web'],
        timeoutMs: 10_000,
        known: true,
      });
    }
  });

  it('is not known without the name it needs, and carries each supervisor timeout', () => {
    const sd = supervisorFromParent(40, 'supervisord', ['supervisord'])!;
    expect(supervisorStop(sd)).toMatchObject({
      command: ['supervisorctl', 'stop', 'NAME'],
      known: false,
    });
    expect(supervisorStop({ kind: 'runsv', pid: 41, name: 'runsv' })?.known).toBe(false);
    expect(
      supervisorStop({ kind: 'runsv', pid: 41, name: 'runsv' }, undefined, '/etc/sv/web'),
    ).toMatchObject({
      command: ['sv', 'down', '/etc/sv/web'],
      timeoutMs: 7_000,
      known: true,
    });
    expect(supervisorStop({ kind: 'systemd', unit: 'nginx.service', user: false })).toMatchObject({
      timeoutMs: 90_000,
      known: true,
    });
  });
});
