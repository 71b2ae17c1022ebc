import type { KillPlan } from '../../src-shared/kill';

/** What the plan was chosen from: the signals the process catches and ignores, its profile. */
export function PlanFacts({ plan }: { plan: KillPlan }) {
  const d = plan.dispositions;
  const list = (names: string[]) => (names.length ? names.join(', ') : 'none');
  return (
    <>
      {d && (
        <dl className="plan-facts small" aria-label="Signal dispositions">
          <dt>Catches</dt>
          <dd>{list(d.caught)}</dd>
          <dt>Ignores</dt>
          <dd>{list(d.ignored)}</dd>
          {d.blocked.length > 0 && (
            <>
              <dt>Blocks</dt>
              <dd>{list(d.blocked)}</dd>
            </>
          )}
        </dl>
      )}
      {plan.profile && (
        <p className="muted small">
          Profile: {plan.profile.name} ({plan.profile.source})
          {plan.profile.note && <>. {plan.profile.note}</>}
        </p>
      )}
      {plan.nativeStop && (
        <p className="muted small">
          Its own stop command (not run): <code>{plan.nativeStop.command.join(' ')}</code> —{' '}
          {plan.nativeStop.note}
        </p>
      )}
      {plan.warnings?.map((w, i) => (
        <p key={i} className="error small" role="note">
          {w}
        </p>
      ))}
    </>
  );
}
