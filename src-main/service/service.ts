import type {
  AppInfo,
  RememberRequest,
  ReplyOf,
  HistoryEntry,
  KillRequestPayload,
  KillStarted,
  PlanReply,
  PlanRequest,
  PushMessage,
} from '../../src-shared/api';
import os from 'node:os';
import { SafeKillError } from '../../src-shared/errors';
import { DEFAULT_GRACE_MS, STRATEGIES_BY_PLATFORM, type KillEvent } from '../../src-shared/kill';
import type { ProcessDiff, ProcessSnapshot } from '../../src-shared/process';
import { PROFILE_SIGNALS, type ProfileSignal } from '../../src-shared/profiles';
import { rememberProfile } from './profiles-file';
import { lockFileClaims, type EndingClaims } from '../kill/ending-claims';
import { elevatedKill } from '../elevate/elevated-kill';
import { killTargets, planFor } from '../kill/kill-targets';
import type { LadderControl } from '../kill/run-ladder';
import type { KillPlatform } from '../platform/types';
import type { HistoryStore } from './history-store';
import { createSettingsStore, type SettingsStore } from './settings-store';

/** What the service needs from the process list (src-main/processes/process-source.ts). */
export interface ProcessSourceLike {
  snapshot(): Promise<ProcessSnapshot>;
  subscribe(cb: (diff: ProcessDiff) => void, intervalMs?: number): () => void;
  close(): Promise<void>;
}

export interface ServiceDeps {
  /** End as administrator (kill:start with `elevate`); the real helper launcher by default. */
  elevatedKill?: typeof elevatedKill;
  source: ProcessSourceLike;
  platform: KillPlatform;
  /** profiles.json, where "remember for this program" writes (none: not offered). */
  profilesFile?: string;
  history: HistoryStore;
  /** settings.json (none: the settings are kept in memory for this run only). */
  settings?: SettingsStore;
  mode: AppInfo['mode'];
  /** Wall clock for event stamps and history (injected for tests). */
  now?: () => number;
  refreshMs?: number;
  tickMs?: number;
  /** Who is ending what, across SafeKills of this user (lock files by default). */
  claims?: EndingClaims;
}

/** The one object every face (IPC, bridge) drives. It owns running kills and the history. */
export interface Service {
  info(): AppInfo;
  snapshot(): Promise<ProcessSnapshot>;
  plan(req: PlanRequest): Promise<PlanReply>;
  kill(req: KillRequestPayload): KillStarted;
  cancel(killId: string): { cancelled: boolean };
  /** "Remember for this program": the polite signal and grace become a user profile. */
  remember(req: RememberRequest): Promise<ReplyOf<'profiles:remember'>>;
  /** The user's "End anyway" for one target of a running kill. */
  endAnyway(killId: string, pid: number): { ended: boolean };
  /** The user's "Show it": raise the dialog one target is asking with. */
  showDialog(killId: string, pid: number): Promise<{ shown: boolean }>;
  history(): HistoryEntry[];
  /** What SafeKill remembers between runs (settings:get / settings:set). */
  settings: SettingsStore;
  /** Pushed events (table diffs, kill events, history). The process list is watched while any
   * listener is attached. */
  onPush(listener: (m: PushMessage) => void): () => void;
  /** Kills still running. */
  running(): string[];
  /** Resolves when every running kill has finished and its results are saved (or failed to be). */
  idle(): Promise<void>;
  /** Cancels running kills (targets not yet forced live on), waits for them and the history's
   * last save, stops watching. */
  close(): Promise<void>;
}

export function createService(deps: ServiceDeps): Service {
  const now = deps.now ?? Date.now;
  const listeners = new Set<(m: PushMessage) => void>();
  const kills = new Map<string, { abort: AbortController; done: Promise<void> }>();
  let unsubscribeSource: (() => void) | undefined;
  let closed = false;
  let nextId = 1;
  const claims = deps.claims ?? lockFileClaims();
  /** PID → the kill ending it, set the moment a request is taken: a second End joins it. */
  const ending = new Map<number, string>();
  /** `${killId}:${pid}` → the running ladder's handles. */
  const ladders = new Map<string, LadderControl>();

  const push = (m: PushMessage) => {
    for (const l of listeners) l(m);
  };
  const stopHistoryStatus = deps.history.onStatus((s) =>
    push({ channel: 'history:status', payload: s }),
  );

  const onEvent = (killId: string, finished: HistoryEntry[]) => {
    return (event: KillEvent) => {
      if (event.type === 'plan' && !ending.has(event.pid)) ending.set(event.pid, killId);
      if (event.type === 'result') {
        ladders.delete(`${killId}:${event.pid}`);
        if (ending.get(event.pid) === killId) ending.delete(event.pid);
      }
      push({ channel: 'kill:event', payload: { killId, at: now(), event } });
      if (event.type === 'result') {
        const { type: _type, ...result } = event;
        const entry: HistoryEntry = {
          ...result,
          killId,
          name: event.name ?? '',
          finishedAt: now(),
        };
        finished.push(entry);
        // Recording never throws (a failed save is a status, not an error), and nothing about
        // the history may stop the ladder of the other targets.
        try {
          deps.history.add([entry]);
        } catch (e) {
          console.error(`safekill: could not record a result: ${String(e)}`);
        }
        push({ channel: 'history:added', payload: entry });
      }
    };
  };

  const run = async (killId: string, req: KillRequestPayload, abort: AbortController) => {
    const finished: HistoryEntry[] = [];
    const pids = req.targets.map((t) => t.pid);
    try {
      // End as administrator: the helper streams the same events (signals only on Linux).
      if (req.elevate) {
        await (deps.elevatedKill ?? elevatedKill)(
          {
            targets: req.targets,
            strategy: req.overrides.strategy,
            graceMs: req.overrides.graceMs,
            tree: req.tree ?? false,
          },
          { onEvent: onEvent(killId, finished), signal: abort.signal },
        );
        return;
      }
      await killTargets(
        {
          pids,
          overrides: req.overrides,
          tree: req.tree ?? false,
          forceProtected: req.forceProtected ?? false,
          supervisorStop: req.supervisorStop ?? false,
          expectedStartTimes: new Map(
            req.targets.flatMap((t) => (t.startTime === undefined ? [] : [[t.pid, t.startTime]])),
          ),
        },
        {
          platform: deps.platform,
          onEvent: onEvent(killId, finished),
          signal: abort.signal,
          tickMs: deps.tickMs ?? 1000,
          claims,
          owner: killId,
          onLadder: (pid, c) => ladders.set(`${killId}:${pid}`, c),
        },
      );
    } catch (e) {
      // Nothing may be left without an answer: every target not yet reported fails in words.
      for (const [pid, id] of ending) if (id === killId) ending.delete(pid);
      const report = onEvent(killId, finished);
      for (const pid of pids) {
        if (finished.some((f) => f.pid === pid)) continue;
        report({
          type: 'result',
          pid,
          // Not planned (or not reported) yet: its name was never read.
          name: '',
          outcome: 'failed',
          code: 'internal',
          elapsedMs: 0,
          reason: `SafeKill could not end it: ${e instanceof Error ? e.message : String(e)}`,
        });
      }
    }
  };

  const service: Service = {
    info: () => ({
      platform: deps.platform.platform,
      strategies: [...STRATEGIES_BY_PLATFORM[deps.platform.platform]],
      defaultGraceMs: DEFAULT_GRACE_MS,
      user: currentUser(),
      mode: deps.mode,
      historyPath: deps.history.path,
      history: deps.history.status(),
    }),
    snapshot: () => deps.source.snapshot(),
    plan: (req) => planFor(req.pid, req.overrides, deps.platform, req.startTime),
    async remember(req) {
      if (!deps.profilesFile)
        throw new SafeKillError('unsupported', 'this SafeKill has no profiles.json to write to');
      // The plan names the program and the signal it would send with these choices.
      const { plan } = await planFor(req.pid, req.overrides, deps.platform, req.startTime);
      const step = plan.steps.find(
        (s) => s.strategy.startsWith('signal:') && s.strategy !== 'signal:SIGKILL',
      );
      const signal = step?.strategy.slice('signal:'.length);
      if (!step || !signal || !(PROFILE_SIGNALS as readonly string[]).includes(signal))
        throw new SafeKillError(
          'unsupported',
          `${plan.name}'s plan has no polite signal to remember`,
        );
      const exe = plan.name;
      await rememberProfile(deps.profilesFile, {
        exe,
        signal: signal as ProfileSignal,
        graceMs: step.graceMs,
      });
      return { program: exe, signal, graceMs: step.graceMs, file: deps.profilesFile };
    },
    kill(req) {
      if (closed) throw new SafeKillError('unsupported', 'SafeKill is shutting down');
      // One ladder per process: a target already being ended joins its running kill.
      const alreadyEnding = req.targets.flatMap((t) => {
        const id = ending.get(t.pid);
        return id === undefined ? [] : [{ pid: t.pid, killId: id }];
      });
      const targets = req.targets.filter((t) => !ending.has(t.pid));
      if (targets.length === 0) return { killId: alreadyEnding[0]!.killId, alreadyEnding };
      const killId = `k${nextId++}-${now().toString(36)}`;
      for (const t of targets) ending.set(t.pid, killId);
      const abort = new AbortController();
      const done = run(killId, { ...req, targets }, abort).finally(() => kills.delete(killId));
      kills.set(killId, { abort, done });
      return alreadyEnding.length > 0 ? { killId, alreadyEnding } : { killId };
    },
    cancel(killId) {
      const k = kills.get(killId);
      if (!k) return { cancelled: false };
      k.abort.abort();
      return { cancelled: true };
    },
    endAnyway(killId, pid) {
      const c = ladders.get(`${killId}:${pid}`);
      c?.endAnyway();
      return { ended: !!c };
    },
    async showDialog(killId, pid) {
      const c = ladders.get(`${killId}:${pid}`);
      return { shown: c ? await c.showDialog() : false };
    },
    history: () => deps.history.list(),
    settings: deps.settings ?? createSettingsStore(undefined),
    onPush(listener) {
      listeners.add(listener);
      if (!unsubscribeSource && !closed) {
        unsubscribeSource = deps.source.subscribe(
          (diff) => push({ channel: 'processes:diff', payload: diff }),
          deps.refreshMs,
        );
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && unsubscribeSource) {
          unsubscribeSource();
          unsubscribeSource = undefined;
        }
      };
    },
    running: () => [...kills.keys()],
    async idle() {
      while (kills.size > 0) await Promise.all([...kills.values()].map((k) => k.done));
      await deps.history.flush();
    },
    async close() {
      closed = true;
      for (const k of kills.values()) k.abort.abort();
      await service.idle();
      unsubscribeSource?.();
      unsubscribeSource = undefined;
      listeners.clear();
      stopHistoryStatus();
      await deps.history.close();
      await deps.source.close();
    },
  };
  return service;
}

/** The name rows give the user SafeKill runs as (empty where the system has no name for it). */
function currentUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return '';
  }
}
