import { describe, expect, it } from 'vitest';
import {
  bridgeRequestSchema,
  CHANNELS,
  CONTENT_SECURITY_POLICY,
  describeIssues,
  isChannel,
  killRequestSchema,
  planRequestSchema,
  requestSchemas,
  type Channels,
} from '../../src-shared/api';

describe('the IPC contract', () => {
  it('lists every channel of the typed map once', () => {
    const typed: Record<keyof Channels, true> = {
      'app:info': true,
      'processes:snapshot': true,
      'kill:plan': true,
      'kill:start': true,
      'kill:cancel': true,
      'kill:end-anyway': true,
      'kill:show-dialog': true,
      'profiles:remember': true,
      'history:list': true,
      'settings:get': true,
      'settings:set': true,
    };
    expect([...CHANNELS].sort()).toEqual(Object.keys(typed).sort());
    expect(isChannel('kill:start')).toBe(true);
    expect(isChannel('toString')).toBe(false);
    expect(isChannel(42)).toBe(false);
  });

  it('accepts well-formed requests', () => {
    expect(
      killRequestSchema.parse({
        targets: [{ pid: 1234, startTime: 99 }, { pid: 5 }],
        overrides: { strategy: 'signal:SIGINT', graceMs: 2500 },
        tree: true,
      }),
    ).toMatchObject({ targets: [{ pid: 1234, startTime: 99 }, { pid: 5 }] });
    expect(planRequestSchema.parse({ pid: 7, overrides: { strategy: 'auto' } })).toEqual({
      pid: 7,
      overrides: { strategy: 'auto' },
    });
    for (const c of ['app:info', 'processes:snapshot', 'history:list'] as const) {
      expect(requestSchemas[c].safeParse(undefined).success).toBe(true);
      expect(requestSchemas[c].safeParse(null).success).toBe(true);
      expect(requestSchemas[c].safeParse({ extra: 1 }).success).toBe(false);
    }
  });

  it.each([
    ['no targets', { targets: [], overrides: { strategy: 'auto' } }, 'targets'],
    ['PID 0', { targets: [{ pid: 0 }], overrides: { strategy: 'auto' } }, 'targets.0.pid'],
    ['fractional PID', { targets: [{ pid: 1.5 }], overrides: { strategy: 'auto' } }, 'pid'],
    ['PID as text', { targets: [{ pid: '12' }], overrides: { strategy: 'auto' } }, 'pid'],
    ['unknown strategy', { targets: [{ pid: 3 }], overrides: { strategy: 'nuke' } }, 'strategy'],
    [
      'negative grace',
      { targets: [{ pid: 3 }], overrides: { strategy: 'auto', graceMs: -1 } },
      'graceMs',
    ],
    [
      'grace over a day',
      { targets: [{ pid: 3 }], overrides: { strategy: 'auto', graceMs: 86_400_001 } },
      'graceMs',
    ],
    ['extra field', { targets: [{ pid: 3 }], overrides: { strategy: 'auto' }, all: true }, 'all'],
    ['not an object', 'kill everything', 'payload'],
  ])('rejects a kill request with %s, naming the field', (_what, payload, field) => {
    const r = killRequestSchema.safeParse(payload);
    expect(r.success).toBe(false);
    if (!r.success) expect(describeIssues(r.error)).toContain(field);
  });

  it('checks the bridge envelope', () => {
    expect(bridgeRequestSchema.safeParse({ id: 1, channel: 'app:info' }).success).toBe(true);
    expect(bridgeRequestSchema.safeParse({ id: -1, channel: 'app:info' }).success).toBe(false);
    expect(bridgeRequestSchema.safeParse({ channel: 'app:info' }).success).toBe(false);
  });

  it('has a CSP that allows no inline or remote code', () => {
    const directives = Object.fromEntries(
      CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]),
    );
    expect(directives['default-src']).toEqual(["'none'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['style-src']).toEqual(["'self'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-(inline|eval)|\*/);
  });
});
