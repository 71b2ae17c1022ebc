/**
 * The app's one contract: every request channel (payload → reply) and every pushed event, each
 * with a zod schema. The main process (IPC) and the browser-mode bridge validate every incoming
 * payload against it; the renderer, the preload and the bridge all import the channel names and
 * types from here, so nobody restates them.
 */
import { z } from 'zod';
import { ERROR_CODES, type SafeKillErrorInfo } from './errors';
import {
  DEFAULT_GRACE_MS,
  FORCE_STRATEGIES,
  MAX_GRACE_MS,
  POLITE_STRATEGIES,
  type KillEvent,
  type KillPlan,
  type KillResult,
  type Platform,
  type PlanOverrides,
  type Strategy,
} from './kill';
import type { ProcessDiff, ProcessSnapshot, TargetFacts } from './process';

/**
 * The renderer's Content Security Policy: its own scripts and styles only, no inline code, no
 * plugins, no frames; `connect-src 'self'` admits the bridge's same-origin WebSocket. Set as a
 * meta tag in index.html (Electron loads a file); headers carry CONTENT_SECURITY_POLICY_HEADER.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
].join('; ');

/**
 * The same policy as a response header, which also forbids any other page to frame the app
 * (clickjacking). `frame-ancestors` only counts in a header: in a meta tag the browser ignores it
 * and logs an error, so the page's own tag goes without. Sent by the bridge for every file, and
 * added by Electron's session to the app page's response.
 */
export const CONTENT_SECURITY_POLICY_HEADER = `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`;

const pid = z
  .number()
  .int()
  .min(1)
  .max(2 ** 31 - 1);
const strategy = z.enum([...POLITE_STRATEGIES, ...FORCE_STRATEGIES] as [Strategy, ...Strategy[]]);

export const overridesSchema = z.strictObject({
  strategy: z.union([z.literal('auto'), strategy]),
  graceMs: z.number().int().min(0).max(MAX_GRACE_MS).optional(),
});

/** One process to end, with the start time of the row it was listed as (PID-reuse guard). */
export const killTargetSchema = z.strictObject({
  pid,
  startTime: z.number().nonnegative().optional(),
});

export const planRequestSchema = z.strictObject({ pid, overrides: overridesSchema });

export const killRequestSchema = z.strictObject({
  targets: z.array(killTargetSchema).min(1).max(1000),
  overrides: overridesSchema,
  tree: z.boolean().optional(),
  forceProtected: z.boolean().optional(),
});

export const cancelRequestSchema = z.strictObject({ killId: z.string().min(1).max(100) });

const noPayload = z.union([z.undefined(), z.null(), z.strictObject({})]);

export type PlanRequest = z.infer<typeof planRequestSchema>;
export type KillRequestPayload = z.infer<typeof killRequestSchema>;
export type CancelRequest = z.infer<typeof cancelRequestSchema>;

export interface AppInfo {
  platform: Platform;
  /** Strategies the user may pick on this platform (besides `auto`). */
  strategies: Strategy[];
  defaultGraceMs: number;
  /** `electron` or `browser`, so the UI can say where it runs. */
  mode: 'electron' | 'browser';
  /** Where the history file lives, for people. */
  historyPath: string;
}

export interface PlanReply {
  plan: KillPlan;
  facts: TargetFacts;
}

export interface KillStarted {
  killId: string;
}

/** One finished target, as kept in the history file. */
export interface HistoryEntry extends KillResult {
  killId: string;
  name: string;
  /** Wall-clock time the result came in, milliseconds since the epoch. */
  finishedAt: number;
}

/** Request channels: what each accepts and what it answers. */
export interface Channels {
  'app:info': { request: void; reply: AppInfo };
  'processes:snapshot': { request: void; reply: ProcessSnapshot };
  'kill:plan': { request: PlanRequest; reply: PlanReply };
  'kill:start': { request: KillRequestPayload; reply: KillStarted };
  'kill:cancel': { request: CancelRequest; reply: { cancelled: boolean } };
  'history:list': { request: void; reply: HistoryEntry[] };
}
export type Channel = keyof Channels;
export type RequestOf<C extends Channel> = Channels[C]['request'];
export type ReplyOf<C extends Channel> = Channels[C]['reply'];

/** The validator for each channel's payload (a void request accepts nothing, `null` or `{}`). */
export const requestSchemas: Record<Channel, z.ZodType> = {
  'app:info': noPayload,
  'processes:snapshot': noPayload,
  'kill:plan': planRequestSchema,
  'kill:start': killRequestSchema,
  'kill:cancel': cancelRequestSchema,
  'history:list': noPayload,
};
export const CHANNELS = Object.keys(requestSchemas) as Channel[];

export function isChannel(x: unknown): x is Channel {
  return typeof x === 'string' && Object.hasOwn(requestSchemas, x);
}

/**
 * Pushed events. A kill event carries the server's wall-clock time `at`, so a countdown can be
 * drawn from the step's start and grace without waiting for ticks.
 */
export interface PushEvents {
  'processes:diff': ProcessDiff;
  'kill:event': { killId: string; at: number; event: KillEvent };
  'history:added': HistoryEntry;
}
export type PushChannel = keyof PushEvents;
export type PushMessage = {
  [K in PushChannel]: { channel: K; payload: PushEvents[K] };
}[PushChannel];

/** Every reply travels in this envelope; an error is rebuilt as a SafeKillError on the other side. */
export type Envelope<T> = { ok: true; result: T } | { ok: false; error: SafeKillErrorInfo };

export const errorInfoSchema = z.object({ code: z.enum(ERROR_CODES), message: z.string() });

/** Turns a zod failure into one plain sentence naming the offending field. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : 'payload'}: ${i.message}`)
    .join('; ');
}

/** Electron IPC: each request channel is `safekill:<channel>`; pushes all come on one channel. */
export const IPC_PREFIX = 'safekill:';
export const IPC_PUSH = 'safekill:push';

// Bridge wire format (browser mode): the same channels over one WebSocket.
export const bridgeRequestSchema = z.strictObject({
  id: z.number().int().nonnegative(),
  channel: z.string().max(100),
  payload: z.unknown().optional(),
});
export type BridgeRequest = z.infer<typeof bridgeRequestSchema>;
export type BridgeMessage =
  { kind: 'reply'; id: number; reply: Envelope<unknown> } | ({ kind: 'push' } & PushMessage);

export const DEFAULT_OVERRIDES: PlanOverrides = { strategy: 'auto', graceMs: DEFAULT_GRACE_MS };
