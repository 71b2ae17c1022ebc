/** A question before ending protected processes, for the run whose targets were refused. */
export interface ProtectedAsk<T extends { pid: number }> {
  targets: T[];
  tree: boolean;
  /** Why it is protected (the first refusal's reason). */
  reason: string;
  /** The run the refusals came from. */
  killId: string;
}

/**
 * The question once `pid` of run `killId` was refused as protected: it names only the refused
 * targets, not every target of the run (the others are being ended already), and a refusal
 * while the same run's question is open joins it. A tree's member refused is asked for through
 * its tree: the run's chosen targets, as before.
 */
export function askAfterRefusal<T extends { pid: number }>(
  /** The question open now, if any (another kind has no `killId`: this one replaces it). */
  open: (Omit<ProtectedAsk<T>, 'killId'> & { killId?: string }) | undefined,
  run: { killId: string; targets: readonly T[]; tree: boolean },
  pid: number,
  reason: string,
): ProtectedAsk<T> {
  const chosen = run.targets.filter((t) => t.pid === pid);
  const targets = chosen.length > 0 ? chosen : [...run.targets];
  if (open?.killId !== run.killId) return { targets, tree: run.tree, reason, killId: run.killId };
  const have = new Set(open.targets.map((t) => t.pid));
  const more = targets.filter((t) => !have.has(t.pid));
  return { ...open, killId: run.killId, targets: [...open.targets, ...more] };
}
