import { useState } from 'react';
import type { PlanOverrides } from '../../src-shared/kill';
import type { ApiClient } from '../api/client';

/** "Remember for this program": the chosen signal and grace become its profile (profiles.json). */
export function RememberButton(props: {
  api: ApiClient;
  pid: number;
  startTime: number;
  overrides: PlanOverrides;
}) {
  const { api, pid, startTime, overrides } = props;
  const [said, setSaid] = useState<string | undefined>();
  const remember = () => {
    api.call('profiles:remember', { pid, startTime, overrides }).then(
      (r) =>
        setSaid(`Remembered for ${r.program}: ${r.signal}, ${r.graceMs / 1000} s (in ${r.file})`),
      (e: unknown) => setSaid(`Not remembered: ${e instanceof Error ? e.message : String(e)}`),
    );
  };
  return (
    <div className="remember">
      <button type="button" onClick={remember}>
        Remember for this program
      </button>
      {said && (
        <p className="muted small" role="status">
          {said}
        </p>
      )}
    </div>
  );
}
