import { memo } from 'react';
import type { HistoryEntry } from '../../src-shared/api';
import { OUTCOME_WORDS } from '../../src-shared/kill';

/**
 * Past ends, newest first (kept in the app's data folder across restarts). Memoized: a table
 * update leaves it alone.
 */
export const HistoryList = memo(function HistoryList({ entries }: { entries: HistoryEntry[] }) {
  return (
    <section className="panel history" aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      {entries.length === 0 ? (
        <p className="hint">Nothing ended yet.</p>
      ) : (
        <table aria-labelledby="history-title">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Process</th>
              <th scope="col">Outcome</th>
              <th scope="col">Exit</th>
              <th scope="col">Took</th>
            </tr>
          </thead>
          <tbody>
            {entries.slice(0, 100).map((h) => (
              <tr key={`${h.killId}:${h.pid}`} title={h.reason}>
                <td>{new Date(h.finishedAt).toLocaleTimeString()}</td>
                <th scope="row">
                  {h.name || 'process'} ({h.pid})
                </th>
                <td className={`outcome-${h.outcome}`}>{OUTCOME_WORDS[h.outcome]}</td>
                <td>{h.exitCode ?? h.signal ?? ''}</td>
                <td>{(h.elapsedMs / 1000).toFixed(1)} s</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
});
