import { describe, expect, it } from 'vitest';
import type { ReplyOf, RequestOf } from '../../src-shared/api';
import { requestSchemas } from '../../src-shared/api';
import type { Handlers } from '../../src-main/service/dispatch';

// These hold at `npm run typecheck`: each line marked @ts-expect-error must stay a type error.
describe('the contract types requests and replies per channel', () => {
  it('refuses a handler that answers another shape', () => {
    // @ts-expect-error kill:cancel answers { cancelled }, not a bare boolean
    const bareBoolean: Handlers['kill:cancel'] = () => true;
    const right: Handlers['kill:cancel'] = () => ({ cancelled: true });
    expect([typeof bareBoolean, typeof right]).toEqual(['function', 'function']);
  });

  it('ties each schema to its request type', () => {
    const cancel: RequestOf<'kill:cancel'> = requestSchemas['kill:cancel'].parse({ killId: 'k1' });
    // @ts-expect-error the plan schema does not yield a cancel request
    const wrong: (typeof requestSchemas)['kill:cancel'] = requestSchemas['kill:plan'];
    const reply: ReplyOf<'kill:cancel'> = { cancelled: false };
    expect([cancel, reply, typeof wrong]).toEqual([
      { killId: 'k1' },
      { cancelled: false },
      'object',
    ]);
  });
});
