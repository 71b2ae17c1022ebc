import { useEffect, useState } from 'react';
import type { AppInfo, PlanReply } from '../../src-shared/api';
import type { PlanOverrides, StrategyChoice, SupervisorStop } from '../../src-shared/kill';
import type { ProcessRow } from '../../src-shared/process';
import type { ApiClient } from '../api/client';
import { plainError } from './plain-error';
import { RememberButton } from './RememberButton';
import { PlanFacts } from './PlanFacts';
import { elevationHelp } from './RowMenu';
import { strategyWords } from '../state/words';

export interface DetailsPanelProps {
  api: ApiClient;
  info: AppInfo | undefined;
  row: ProcessRow | undefined;
  /** The process has left the list since it was selected. */
  gone?: boolean;
  overrides: PlanOverrides;
  onOverrides(o: PlanOverrides): void;
  onEnd(tree: boolean): void;
  /** End as administrator, offered when the plan says ending it from here will be denied. */
  onEndElevated(): void;
  /** End it with its supervisor's own stop first (systemctl stop, supervisorctl stop…). */
  onSupervisorStop?(): void;
  /** The DOM id of its running card while it is being ended (End is then disabled). */
  endingCard?: string | undefined;
}

/** The selected process: what SafeKill would do to end it and why, with the user's overrides. */
export function DetailsPanel(props: DetailsPanelProps) {
  const {
    api,
    info,
    row,
    gone,
    overrides,
    onOverrides,
    onEnd,
    onEndElevated,
    onSupervisorStop,
    endingCard,
  } = props;
  const [plan, setPlan] = useState<{ key: string; reply?: PlanReply; error?: string }>();
  const pid = row?.pid;
  const key = row?.key;

  useEffect(() => {
    if (pid === undefined || key === undefined) return;
    let live = true;
    api.call('kill:plan', { pid, overrides }).then(
      (reply) => live && setPlan({ key, reply }),
      (e: unknown) => live && setPlan({ key, error: plainError(e) }),
    );
    return () => {
      live = false;
    };
  }, [api, pid, key, overrides]);

  if (!row) {
    return (
      <section className="panel details" aria-label="Details">
        <p className="hint">Select a process to see how SafeKill would end it.</p>
      </section>
    );
  }
  const current = plan?.key === row.key ? plan : undefined;
  const graceS = (overrides.graceMs ?? info?.defaultGraceMs ?? 5000) / 1000;
  const protectedReason = current?.reply?.facts.protectedReason ?? row.protectedReason;

  return (
    <section className="panel details" aria-labelledby="details-title">
      <h2 id="details-title" tabIndex={-1}>
        {row.name} <span className="muted">PID {row.pid}</span>
      </h2>
      <p className="cmdline" title={row.cmdline}>
        {row.cmdline || '(no command line)'}
      </p>
      {gone && (
        <p className="error" role="alert">
          This process has exited; there is nothing left to end.
        </p>
      )}
      {protectedReason && (
        <p className="warning">Protected: {protectedReason}. SafeKill will ask before ending it.</p>
      )}
      <div className="overrides">
        <label>
          Strategy{' '}
          <select
            value={overrides.strategy}
            onChange={(e) =>
              onOverrides({ ...overrides, strategy: e.target.value as StrategyChoice })
            }
          >
            <option value="auto">Automatic</option>
            {info?.strategies.map((s) => (
              <option key={s} value={s}>
                {strategyWords(s)}
              </option>
            ))}
          </select>
        </label>
        <GraceInput
          // Its own field per process: text typed for one (even text not yet a number) is
          // never shown for the next.
          key={row.key}
          seconds={graceS}
          onChange={(s) => onOverrides({ ...overrides, graceMs: Math.round(s * 1000) })}
        />
      </div>
      <h3>Plan</h3>
      {!current && <p className="hint">Working out the plan…</p>}
      {current?.error && (
        <p className="error" role="alert">
          {current.error}
        </p>
      )}
      {current?.reply && (
        <>
          <p>{current.reply.plan.summary}</p>
          <ol className="plan-steps" aria-label="Plan steps">
            {current.reply.plan.steps.map((s, i) => (
              <li key={i}>
                <strong>{strategyWords(s.strategy)}</strong>
                {s.graceMs > 0 && <> then wait {(s.graceMs / 1000).toFixed(1)} s</>}
                <span className="reason">: {s.reason}</span>
              </li>
            ))}
          </ol>
          <PlanFacts plan={current.reply.plan} />
          <p className="muted small">Identity check: {current.reply.plan.mechanism}</p>
          {!gone && (
            <RememberButton
              api={api}
              pid={row.pid}
              startTime={row.startTime}
              overrides={overrides}
            />
          )}
        </>
      )}
      {current?.reply?.plan.needsElevation && !gone && (
        <p className="warning">
          {elevationHelp(row.user)}{' '}
          <button type="button" disabled={endingCard !== undefined} onClick={onEndElevated}>
            End as administrator…
          </button>
        </p>
      )}
      {current?.reply?.plan.supervisor?.stop && (
        <SupervisorNote
          who={current.reply.plan.supervisor.who}
          stop={current.reply.plan.supervisor.stop}
          disabled={gone || endingCard !== undefined}
          onStop={onSupervisorStop}
        />
      )}
      <div className="actions">
        <button
          type="button"
          className="danger"
          disabled={gone || endingCard !== undefined}
          onClick={() => onEnd(false)}
        >
          End
        </button>
        <button
          type="button"
          disabled={gone || endingCard !== undefined}
          onClick={() => onEnd(true)}
        >
          End tree
        </button>
      </div>
      {endingCard !== undefined && (
        <p className="hint">
          Being ended now: one ending per process.{' '}
          <button type="button" onClick={() => document.getElementById(endingCard)?.focus()}>
            Show its progress
          </button>
        </p>
      )}
    </section>
  );
}

/** Who would start it again, and its own stop: offered as a button where SafeKill can run it. */
function SupervisorNote({
  who,
  stop,
  disabled,
  onStop,
}: {
  who: string;
  stop: SupervisorStop;
  disabled?: boolean;
  onStop?(): void;
}) {
  const wait = stop.timeoutMs ? `, waiting up to ${stop.timeoutMs / 1000} s` : '';
  return (
    <div className="supervisor" role="note" aria-label="Supervisor">
      <p>
        Supervised by {who}: ended from outside, it may be started again. Its own stop:{' '}
        <code>{stop.command.join(' ')}</code>
        {wait}.
      </p>
      {stop.runnable && onStop ? (
        <button type="button" disabled={disabled} onClick={onStop}>
          Stop with {stop.command[0]}
        </button>
      ) : (
        <p className="muted small">SafeKill cannot run it here: {stop.whyNot}</p>
      )}
    </div>
  );
}

/** Seconds, typed freely ("1." on the way to "1.5"); only a valid number reaches the plan. */
function GraceInput({ seconds, onChange }: { seconds: number; onChange(s: number): void }) {
  const [text, setText] = useState(String(seconds));
  const [shown, setShown] = useState(seconds);
  if (shown !== seconds) {
    // The value changed from outside (not by typing here): show it.
    setShown(seconds);
    if (Number(text) !== seconds) setText(String(seconds));
  }
  const why = graceProblem(text);
  return (
    <label className="grace">
      Grace period (seconds){' '}
      <input
        type="number"
        min={0}
        max={86400}
        step={0.5}
        value={text}
        aria-invalid={why !== undefined}
        aria-describedby={why ? 'grace-why' : undefined}
        onChange={(e) => {
          setText(e.target.value);
          if (graceProblem(e.target.value) === undefined) {
            setShown(Number(e.target.value));
            onChange(Number(e.target.value));
          }
        }}
      />
      {why && (
        <span id="grace-why" className="field-error">
          {why} The plan keeps {seconds} s.
        </span>
      )}
    </label>
  );
}

/** Why a typed grace cannot be used, in words; undefined when it can. */
export function graceProblem(v: string): string | undefined {
  if (v.trim() === '') return 'Enter a number of seconds.';
  const n = Number(v);
  if (!Number.isFinite(n)) return 'Enter a number of seconds.';
  if (n < 0) return 'The grace cannot be negative.';
  if (n > 86400) return 'At most 86400 seconds (one day).';
  return undefined;
}
