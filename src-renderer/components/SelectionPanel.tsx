import type { ProcessRow } from '../../src-shared/process';

export interface SelectionPanelProps {
  targets: ProcessRow[];
  onEnd(tree: boolean): void;
  onClear(): void;
}

/** Several rows selected: how many, and End / End tree for all of them (after one question). */
export function SelectionPanel({ targets, onEnd, onClear }: SelectionPanelProps) {
  return (
    <section className="panel selection" aria-labelledby="selection-title">
      <h2 id="selection-title">{targets.length} processes selected</h2>
      <p className="muted small">
        {targets
          .slice(0, 6)
          .map((t) => `${t.name} (${t.pid})`)
          .join(', ')}
        {targets.length > 6 && `, and ${targets.length - 6} more`}
      </p>
      <div className="actions">
        <button type="button" className="danger" onClick={() => onEnd(false)}>
          End {targets.length}
        </button>
        <button type="button" onClick={() => onEnd(true)}>
          End {targets.length} trees
        </button>
        <button type="button" onClick={onClear}>
          Clear selection
        </button>
      </div>
    </section>
  );
}
