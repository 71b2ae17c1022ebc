import { describe, expect, it } from 'vitest';
import { INSIDE_REPORT_MS, observe, startWatch } from '../../src-main/engine/window-watch';

const opts = {
  request: 'the close request',
  describeId: (id: number) => `0x${id.toString(16)}`,
  titleWaitMs: 0,
};

describe('window watch: questions to the user', () => {
  it('a new window is a question (pause); its closing is the answer (resume)', () => {
    let t = observe(
      startWatch([{ id: 1 }], 0),
      [
        { id: 1, title: 'doc' },
        { id: 2, title: 'Save changes?' },
      ],
      100,
      opts,
    );
    expect(t.dialog).toEqual({ kind: 'asking', question: 'Save changes?', windowId: '0x2' });
    t = observe(
      t.state,
      [
        { id: 1, title: 'doc' },
        { id: 2, title: 'Save changes?' },
      ],
      200,
      opts,
    );
    expect(t.dialog).toBeUndefined();
    t = observe(t.state, [{ id: 1, title: 'doc' }], 300, opts);
    expect(t.dialog).toEqual({ kind: 'answered' });
    expect(t.notices).toEqual(['the question was answered (its window closed)']);
  });

  it('a window still open with no dialog may be asking inside it: said once', () => {
    let t = observe(
      startWatch([{ id: 1 }], 0),
      [{ id: 1, title: 'browser' }],
      INSIDE_REPORT_MS - 1,
      opts,
    );
    expect(t.notices).toEqual([]);
    t = observe(t.state, [{ id: 1, title: 'browser' }], INSIDE_REPORT_MS, opts);
    expect(t.notices).toEqual([
      'its window is still open after the close request and it opened no dialog: it may be asking inside its window',
    ]);
    expect(t.dialog).toBeUndefined();
    expect(observe(t.state, [{ id: 1, title: 'browser' }], 10_000, opts).notices).toEqual([]);
  });
});
