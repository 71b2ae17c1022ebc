import { useState } from 'react';
import type { HistoryStatus } from '../../src-shared/api';

/** Says when the history is not being saved, and (once, dismissible) what was found at start. */
export function HistoryAlert({ status }: { status: HistoryStatus | undefined }) {
  const [dismissed, setDismissed] = useState<string>();
  if (!status) return null;
  const unsaved =
    status.unsaved > 0
      ? ` ${status.unsaved} result${status.unsaved === 1 ? ' is' : 's are'} shown here but not saved.`
      : '';
  return (
    <>
      {status.state !== 'ok' && (
        <p className="banner error" role="alert">
          {status.state === 'failing' ? 'History not saved: ' : 'History: '}
          {status.error}.{status.state === 'failing' ? ' SafeKill keeps trying.' : ''}
          {unsaved}
        </p>
      )}
      {status.notice && status.notice !== dismissed && (
        <p className="banner warning" role="alert">
          History: {status.notice}.{' '}
          <button type="button" onClick={() => setDismissed(status.notice)}>
            Dismiss
          </button>
        </p>
      )}
    </>
  );
}
