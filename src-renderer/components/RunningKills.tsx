import { memo, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { OUTCOME_WORDS, isForceStrategy } from '../../src-shared/kill';
import type { Survivor } from '../../src-shared/kill';
import {
  cardId,
  describeHow,
  endingSummary,
  finishedRuns,
  membersByRoot,
  shownIn,
  type Runs,
  type TargetRun,
} from '../state/kills';
import { strategyWords } from '../state/words';
import { Countdown } from './Countdown';

export interface RunningKillsProps {
  runs: Runs;
  onCancel(killId: string): void;
  onDismiss(id: string): void;
  /** Dismiss finished: every card whose targets have all ended. */
  onDismissMany?(ids: string[]): void;
  /** The user's answer while a program asks: raise its dialog, or end it anyway. */
  onAnswer(run: TargetRun, answer: 'show' | 'end'): void;
  /** End as administrator, offered on a permission-denied result (polkit / UAC). */
  onElevate?(run: TargetRun): void;
  /** End a run's survivors, each pinned by the start time it was seen with. */
  onEndSurvivors?(survivors: Survivor[]): void;
}

type CardActions = Omit<RunningKillsProps, 'runs' | 'onDismissMany'>;

const NO_MEMBERS: TargetRun[][] = [];

/** Every target being ended, each with its countdown, current step and what happened so far. */
export function RunningKills({
  runs,
  onCancel,
  onDismiss,
  onAnswer,
  onElevate,
  onEndSurvivors,
  onDismissMany,
}: RunningKillsProps) {
  // The cards get one set of handlers for good, each calling the latest one given: the App
  // passes new functions at every render, and a new set rendered every card again at every
  // event (200 cards for each result). Which optional ones there are still decides.
  const latest = useRef<CardActions>({ onCancel, onDismiss, onAnswer });
  useLayoutEffect(() => {
    latest.current = { onCancel, onDismiss, onAnswer, onElevate, onEndSurvivors };
  });
  const canElevate = onElevate !== undefined;
  const canEndSurvivors = onEndSurvivors !== undefined;
  const actions = useMemo<CardActions>(
    () => ({
      onCancel: (killId) => latest.current.onCancel(killId),
      onDismiss: (id) => latest.current.onDismiss(id),
      onAnswer: (run, answer) => latest.current.onAnswer(run, answer),
      ...(canElevate ? { onElevate: (run) => latest.current.onElevate?.(run) } : {}),
      ...(canEndSurvivors
        ? { onEndSurvivors: (survivors) => latest.current.onEndSurvivors?.(survivors) }
        : {}),
    }),
    [canElevate, canEndSurvivors],
  );
  const list = [...runs.values()];
  if (list.length === 0) return null;
  // A tree's members are shown inside their root's card.
  const top = list.filter((r) => shownIn(runs, r) === r.id);
  const members = membersByRoot(runs);
  const summary = endingSummary(runs);
  const finished = onDismissMany ? finishedRuns(runs) : [];
  return (
    <section className="panel running" aria-labelledby="running-title">
      <div className="running-head">
        <h2 id="running-title">Ending</h2>
        {summary && <p className="running-summary">{summary}</p>}
        {finished.length > 1 && (
          <button type="button" onClick={() => onDismissMany?.(finished)}>
            Dismiss finished
          </button>
        )}
      </div>
      <ul className="cards">
        {top.map((r) => (
          <RunCard key={r.id} run={r} members={members.get(r.id) ?? NO_MEMBERS} actions={actions} />
        ))}
      </ul>
    </section>
  );
}

interface RunCardProps {
  run: TargetRun;
  /** Its tree's members by generation (none for a member: they are shown under their root). */
  members: TargetRun[][];
  actions: CardActions;
}

/** The same members, generation by generation (a new list of the same runs changes nothing). */
const sameMembers = (a: TargetRun[][], b: TargetRun[][]) =>
  a.length === b.length &&
  a.every((gen, i) => gen.length === b[i]!.length && gen.every((r, j) => r === b[i]![j]));

/**
 * One target's card, rendered again only when its run (or its tree's) changed: with 200 targets
 * being ended, an event for one re-renders one card, and the countdowns draw themselves.
 */
const RunCard = memo(
  RunCardView,
  (a, b) => a.run === b.run && a.actions === b.actions && sameMembers(a.members, b.members),
);

function RunCardView({ run, members, actions }: RunCardProps) {
  const { onCancel, onDismiss, onAnswer, onElevate, onEndSurvivors } = actions;
  const [keptWaiting, setKeptWaiting] = useState<string | undefined>();
  const [open, setOpen] = useState(true);
  const count = members.flat().length;
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
      {!run.result && run.asking !== undefined && (
        <div className="card-body asking" role="group" aria-label={`${who} is asking you`}>
          <p className="paused" aria-live="polite">
            Paused: it is asking you <strong>{JSON.stringify(run.asking)}</strong>. Nothing is sent
            while the question is open.
          </p>
          {keptWaiting !== run.asking ? (
            <div className="actions">
              <button type="button" onClick={() => onAnswer(run, 'show')}>
                Show it
              </button>
              <button type="button" onClick={() => setKeptWaiting(run.asking)}>
                Keep waiting
              </button>
              <button type="button" className="danger" onClick={() => onAnswer(run, 'end')}>
                End anyway
              </button>
            </div>
          ) : (
            <p className="muted small">Waiting for your answer in the program.</p>
          )}
        </div>
      )}
      {!run.result && step && run.asking === undefined && (
        <div className="card-body">
          {forcing ? (
            <p className="forcing">{strategyWords(step.strategy)}…</p>
          ) : (
            <Countdown
              label={`Grace period for ${who}`}
              startedAt={run.stepStartedAt}
              graceMs={run.graceMs}
              next={next ? strategyWords(next.strategy) : 'give up'}
            />
          )}
          <div>
            <p className="step">
              Step {run.stepIndex + 1} of {run.steps.length}:{' '}
              <strong>{strategyWords(step.strategy)}</strong>
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
          {/* The badge above says the outcome; here only how and why, once. */}
          <p>{describeHow(run.result)}</p>
          {run.result.reason && <p className="muted small">{run.result.reason}</p>}
          {onElevate && run.result.code === 'permission-denied' && (
            <button
              type="button"
              onClick={() => onElevate(run)}
              aria-label={`End ${who} as administrator`}
            >
              End as administrator…
            </button>
          )}
          <button type="button" onClick={() => onDismiss(run.id)} aria-label={`Dismiss ${who}`}>
            Dismiss
          </button>
        </div>
      )}
      {run.survivors && run.survivors.length > 0 && (
        <div className="card-body survivors" role="note" aria-label={`Still running after ${who}`}>
          <p>Still running from its family:</p>
          <ul>
            {run.survivors.map((s) => (
              <li key={`${s.pid}@${s.startTime}`}>
                {s.name} ({s.pid}), {s.relation}
                {[...s.ports, ...s.files].length > 0 &&
                  `: holds ${[...s.ports, ...s.files].join(', ')}`}
              </li>
            ))}
          </ul>
          {onEndSurvivors && (
            <button type="button" onClick={() => onEndSurvivors(run.survivors!)}>
              End them too
            </button>
          )}
        </div>
      )}
      {count > 0 && (
        <>
          <button
            type="button"
            className="disclosure"
            aria-expanded={open}
            aria-controls={`${cardId(run.killId, run.pid)}-tree`}
            onClick={() => setOpen(!open)}
          >
            {count} {count === 1 ? 'process' : 'processes'} under {who}
          </button>
          <div id={`${cardId(run.killId, run.pid)}-tree`} hidden={!open}>
            {members.map((gen, i) => (
              <ul className="cards nested" key={i} aria-label={`Generation ${i + 1} under ${who}`}>
                {gen.map((m) => (
                  <RunCard key={m.id} run={m} members={NO_MEMBERS} actions={actions} />
                ))}
              </ul>
            ))}
          </div>
        </>
      )}
    </li>
  );
}
