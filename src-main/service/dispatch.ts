import {
  describeIssues,
  isChannel,
  requestSchemas,
  type Channel,
  type Envelope,
  type ReplyOf,
  type RequestOf,
} from '../../src-shared/api';
import { isSafeKillError } from '../../src-shared/errors';
import type { Service } from './service';

/** Each channel's handler answers that channel's reply type (tsc holds them to the contract). */
export type Handlers = {
  [C in Channel]: (service: Service, payload: RequestOf<C>) => ReplyOf<C> | Promise<ReplyOf<C>>;
};

const handlers: Handlers = {
  'app:info': (s) => s.info(),
  'processes:snapshot': (s) => s.snapshot(),
  'kill:plan': (s, p) => s.plan(p),
  'kill:start': (s, p) => s.kill(p),
  'kill:cancel': (s, p) => s.cancel(p.killId),
  'kill:end-anyway': (s, p) => s.endAnyway(p.killId, p.pid),
  'kill:show-dialog': (s, p) => s.showDialog(p.killId, p.pid),
  'profiles:remember': (s, p) => s.remember(p),
  'history:list': (s) => s.history(),
  'settings:get': (s) => s.settings.get(),
  'settings:set': (s, p) => s.settings.set(p),
};

/**
 * The one entry point both faces (IPC and the bridge) use: checks the channel, validates the
 * payload against the contract, calls the service and wraps the answer. Never throws: a bad
 * payload or a failure becomes a typed error in the envelope.
 */
export async function dispatch(
  service: Service,
  channel: unknown,
  payload: unknown,
): Promise<Envelope<unknown>> {
  if (!isChannel(channel)) {
    return {
      ok: false,
      error: { code: 'bad-input', message: `unknown channel ${JSON.stringify(channel)}` },
    };
  }
  return answer(service, channel, payload);
}

async function answer<C extends Channel>(
  service: Service,
  channel: C,
  payload: unknown,
): Promise<Envelope<ReplyOf<C>>> {
  const parsed = requestSchemas[channel].safeParse(payload);
  if (!parsed.success) {
    return {
      ok: false,
      error: {
        code: 'bad-input',
        message: `bad ${channel} request: ${describeIssues(parsed.error)}`,
      },
    };
  }
  try {
    const handler: Handlers[C] = handlers[channel];
    return { ok: true, result: await handler(service, parsed.data) };
  } catch (e) {
    if (isSafeKillError(e)) return { ok: false, error: e.toJSON() };
    return {
      ok: false,
      error: { code: 'internal', message: e instanceof Error ? e.message : String(e) },
    };
  }
}
