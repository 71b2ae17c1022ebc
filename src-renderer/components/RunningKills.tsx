import { OUTCOME_WORDS, isForceStrategy } from '../../src-shared/kill';
import { cardId, describeResult, type Runs, type TargetRun } from '../state/kills';
import { Countdown, useFrameClock } from './Countdown';

export interface RunningKillsProps {
  runs: Runs;
  onCancel(killId: string): void;
  onDismiss(id: string): void;
}

/** Every target being ended, each with its countdown, current step and what happened so far. */
export function RunningKills({ runs, onCancel, onDismiss }: RunningKillsProps) {
  const list = [...runs.values()];
  const now = useFrameClock(list.some((r) => !r.result));
  if (list.length === 0) return null;
  return (
    <section className="panel running" aria-labelledby="running-title">
      <h2 id="running-title">Ending</h2>
      <ul className="cards">
        {list.map((r) => (
          <RunCard key={r.id} run={r} now={now} onCancel={onCancel} onDismiss={onDismiss} />
        ))}
      </ul>
    </section>
  );
}

function RunCard({
  run,
  now,
  onCancel,
  onDismiss,
}: {
  run: TargetRun;
  now: number;
  onCancel(killId: string): void;
  onDismiss(id: string): void;
}) {
  const who = `${run.name || 'process'} (${run.pid})`;
  const step = run.steps[run.stepIndex];
  const next = run.steps[run.stepIndex + 1];
  const forcing = step && isForceStrategy(step.strategy);
  return (
    <li
      id={cardId(run.killId, run.pid)}
      tabIndex={-1}
      className={`card ${run.result ? `outcome-${run.result.outcome}` : 'live'}`}
    >
      <div className="card-head">
        <strong>{who}</strong>
        {run.result ? (
          <span className="outcome">{OUTCOME_WORDS[run.result.outcome]}</span>
        ) : (
          <button
            type="button"
            onClick={() => onCancel(run.killId)}
            aria-label={`Cancel ending ${who}`}
          >
            Cancel
          </button>
        )}
      </div>
      {!run.result && step && (
        <div className="card-body">
          {forcing ? (
            <p className="forcing">Forcing the end ({step.strategy})…</p>
          ) : (
            <Countdown
              label={`Grace period for ${who}`}
              startedAt={run.stepStartedAt}
              graceMs={run.graceMs}
              now={now}
              next={next ? next.strategy : 'give up'}
            />
          )}
          <div>
            <p className="step">
              Step {run.stepIndex + 1} of {run.steps.length}: <strong>{step.strategy}</strong>
            </p>
            <p className="muted small">{step.reason}</p>
          </div>
        </div>
      )}
      {run.log.length > 0 && (
        <ul className="log">
          {run.log.map((l, i) => (
            <li key={i}>{l}</li>
          ))}
        </ul>
      )}
      {run.result && (
        <div className="card-body result">
          <p>{describeResult(run.result, run.name)}</p>
          <p className="muted small">{run.result.reason}</p>
          <button type="button" onClick={() => onDismiss(run.id)} aria-label={`Dismiss ${who}`}>
            Dismiss
          </button>
        </div>
      )}
    </li>
  );
}
