import { useEffect, useState } from 'react';
import type { PlanOverrides } from '../../src-shared/kill';
import type { ProcessRow } from '../../src-shared/process';
import type { ApiClient } from './client';

/**
 * Whether the plan for `row` says ending it from here will be denied (the plan's words), so End
 * as administrator can be offered before anything is sent. Undefined until the plan is known,
 * and when it cannot be worked out (the ordinary End then reports what happens).
 */
export function useNeedsElevation(
  api: ApiClient,
  row: ProcessRow | undefined,
  overrides: PlanOverrides,
): string | undefined {
  const [found, setFound] = useState<{ key: string; needs?: string }>();
  const pid = row?.pid;
  const key = row?.key;
  const startTime = row?.startTime;
  useEffect(() => {
    if (pid === undefined || key === undefined) return;
    let live = true;
    api.call('kill:plan', { pid, startTime, overrides }).then(
      (r) => live && setFound({ key, needs: r.plan.needsElevation }),
      () => live && setFound({ key }),
    );
    return () => {
      live = false;
    };
  }, [api, pid, key, startTime, overrides]);
  return found?.key === key ? found?.needs : undefined;
}
