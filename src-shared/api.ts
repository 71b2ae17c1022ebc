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
  OUTCOMES,
  POLITE_STRATEGIES,
  type KillEvent,
  type KillPlan,
  type KillResult,
  type Platform,
  type PlanOverrides,
  type Strategy,
} from './kill';
import type { ProcessDiff, ProcessSnapshot, TargetFacts } from './process';
import { settingsPatchSchema, type SettingsPatch, type SettingsReply } from './settings';

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

export const planRequestSchema = z.strictObject({
  pid,
  overrides: overridesSchema,
  /** The listed row's start time: a PID that now names another process is not planned for. */
  startTime: z.number().nonnegative().optional(),
});

/**
 * The most targets one kill:start takes (a bound on what one message makes the main process pin
 * and read). A selection can hold more (Select all on a busy machine): the renderer sends those
 * as several requests (startInBatches, src-renderer/state/kill-batches.ts).
 */
export const MAX_KILL_TARGETS = 1000;

export const killRequestSchema = z.strictObject({
  targets: z.array(killTargetSchema).min(1).max(MAX_KILL_TARGETS),
  overrides: overridesSchema,
  tree: z.boolean().optional(),
  forceProtected: z.boolean().optional(),
  /** End as administrator: through the polkit helper (Linux) or the UAC prompt (Windows). */
  elevate: z.boolean().optional(),
  /** First run the supervisor's own stop (systemctl stop, supervisorctl stop…) where it can be. */
  supervisorStop: z.boolean().optional(),
});

export const cancelRequestSchema = z.strictObject({ killId: z.string().min(1).max(100) });

/** "Remember for this program": the chosen signal and grace become a profile for its executable. */
export const rememberRequestSchema = z.strictObject({
  pid,
  startTime: z.number().nonnegative().optional(),
  overrides: overridesSchema,
});

/** One target of a running kill: the user's answer while it asks a question. */
export const ladderRequestSchema = z.strictObject({ killId: z.string().min(1).max(100), pid });

// A request without a payload accepts nothing, `null` or `{}`, and hands the service nothing.
const noPayload = z.union([z.undefined(), z.null(), z.strictObject({})]).transform(() => undefined);

export type PlanRequest = z.infer<typeof planRequestSchema>;
export type KillRequestPayload = z.infer<typeof killRequestSchema>;
export type CancelRequest = z.infer<typeof cancelRequestSchema>;
export type LadderRequest = z.infer<typeof ladderRequestSchema>;
export type RememberRequest = z.infer<typeof rememberRequestSchema>;

export interface AppInfo {
  platform: Platform;
  /** Strategies the user may pick on this platform (besides `auto`). */
  strategies: Strategy[];
  defaultGraceMs: number;
  /** The user SafeKill runs as (the quick filter "My processes"). */
  user: string;
  /** `electron` or `browser`, so the UI can say where it runs. */
  mode: 'electron' | 'browser';
  /** Where the history file lives, for people. */
  historyPath: string;
  /** Whether the history is being saved, and what was found in the file at start. */
  history: HistoryStatus;
}

export interface PlanReply {
  plan: KillPlan;
  facts: TargetFacts;
}

export interface KillStarted {
  /** The run that ends the request's targets; when every target was already being ended, the
   * run that is ending the first of them (the UI focuses its card). */
  killId: string;
  /** Targets already being ended by a running kill: they join it and nothing is sent twice. */
  alreadyEnding?: { pid: number; killId: string }[];
}

/** One finished target, as kept in the history file. */
export interface HistoryEntry extends KillResult {
  killId: string;
  name: string;
  /** Wall-clock time the result came in, milliseconds since the epoch. */
  finishedAt: number;
}

/** Longest strings a history entry may hold (longer ones are cut when the entry is recorded). */
export const HISTORY_TEXT_LIMITS = { name: 4096, reason: 16_384 } as const;
/** The most entries `history:list` answers (newest first), and the renderer keeps. */
export const HISTORY_LIST_LIMIT = 500;

/**
 * What the history file may hold: every entry read back from disk is checked against it, so a
 * file edited by hand (or by another program) can never hand the UI something it cannot show.
 * Fields it does not know (written by a newer SafeKill) are kept as they are.
 */
export const historyEntrySchema = z.looseObject({
  killId: z.string().min(1).max(200),
  pid,
  name: z.string().max(HISTORY_TEXT_LIMITS.name),
  outcome: z.enum(OUTCOMES),
  elapsedMs: z.number().nonnegative(),
  reason: z.string().max(HISTORY_TEXT_LIMITS.reason),
  strategy: strategy.optional(),
  code: z.enum(ERROR_CODES).optional(),
  exitCode: z.number().int().optional(),
  signal: z.string().max(100).optional(),
  restarted: z.strictObject({ pid, by: z.string().max(HISTORY_TEXT_LIMITS.name) }).optional(),
  finishedAt: z.number().nonnegative(),
});
// Every field of HistoryEntry is checked, and whatever passes is a HistoryEntry: a field added
// to KillResult must be added to the schema too, or this stops compiling (the error names it).
type MissingFromSchema = Exclude<keyof HistoryEntry, keyof typeof historyEntrySchema.shape>;
type SchemaMatches = [MissingFromSchema] extends [never]
  ? z.infer<typeof historyEntrySchema> extends HistoryEntry
    ? true
    : 'a value the schema accepts is not a HistoryEntry'
  : MissingFromSchema;
const historySchemaMatches: SchemaMatches = true;
void historySchemaMatches;

/**
 * Whether the history is being saved. `failing`: the last save did not work (the results are
 * kept in memory and SafeKill keeps trying); `read-only`: the file could not be read or kept
 * aside, so it is left untouched and nothing is saved this session.
 */
export const historyStatusSchema = z.strictObject({
  state: z.enum(['ok', 'failing', 'read-only']),
  /** Why saving fails or is off, in plain words (absent while `ok`). */
  error: z.string().optional(),
  /** What was found in the file at start and done about it (e.g. entries kept aside). */
  notice: z.string().optional(),
  /** Results recorded this session that are not on disk yet. */
  unsaved: z.number().int().nonnegative(),
});
export type HistoryStatus = z.infer<typeof historyStatusSchema>;

/** Request channels: what each accepts and what it answers. */
export interface Channels {
  'app:info': { request: void; reply: AppInfo };
  'processes:snapshot': { request: void; reply: ProcessSnapshot };
  'kill:plan': { request: PlanRequest; reply: PlanReply };
  'kill:start': { request: KillRequestPayload; reply: KillStarted };
  'kill:cancel': { request: CancelRequest; reply: { cancelled: boolean } };
  /** "End anyway": the target's ladder goes on to its next step now. */
  'kill:end-anyway': { request: LadderRequest; reply: { ended: boolean } };
  /** "Remember for this program": saved as a profile in profiles.json (the plan follows it). */
  'profiles:remember': {
    request: RememberRequest;
    reply: { program: string; signal: string; graceMs: number; file: string };
  };
  /** "Show it": raise and focus the dialog the program is asking with. */
  'kill:show-dialog': { request: LadderRequest; reply: { shown: boolean } };
  'history:list': { request: void; reply: HistoryEntry[] };
  /** The settings kept in settings.json, and whether they are being saved. */
  'settings:get': { request: void; reply: SettingsReply };
  /** Changes the fields given (and merges `ui` keys); saved atomically before it answers. */
  'settings:set': { request: SettingsPatch; reply: SettingsReply };
}
export type Channel = keyof Channels;
export type RequestOf<C extends Channel> = Channels[C]['request'];
export type ReplyOf<C extends Channel> = Channels[C]['reply'];

/** The validator for each channel's payload; each yields exactly that channel's request type. */
export const requestSchemas: { [C in Channel]: z.ZodType<RequestOf<C>> } = {
  'app:info': noPayload,
  'processes:snapshot': noPayload,
  'kill:plan': planRequestSchema,
  'kill:start': killRequestSchema,
  'kill:cancel': cancelRequestSchema,
  'kill:end-anyway': ladderRequestSchema,
  'kill:show-dialog': ladderRequestSchema,
  'profiles:remember': rememberRequestSchema,
  'history:list': noPayload,
  'settings:get': noPayload,
  'settings:set': settingsPatchSchema,
};
export const CHANNELS = Object.keys(requestSchemas) as Channel[];

/** The one channel check, made where a request arrives (service/dispatch.ts). */
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
  /** The history's saving status changed (a save failed, or works again). */
  'history:status': HistoryStatus;
}
export type PushChannel = keyof PushEvents;
export type PushMessage = {
  [K in PushChannel]: { channel: K; payload: PushEvents[K] };
}[PushChannel];

/** Every reply travels in this envelope; an error is rebuilt as a SafeKillError on the other side. */
export type Envelope<T> = { ok: true; result: T } | { ok: false; error: SafeKillErrorInfo };

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
export type BridgeMessage =
  { kind: 'reply'; id: number; reply: Envelope<unknown> } | ({ kind: 'push' } & PushMessage);

export const DEFAULT_OVERRIDES: PlanOverrides = { strategy: 'auto', graceMs: DEFAULT_GRACE_MS };
