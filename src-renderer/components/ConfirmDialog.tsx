import { useEffect, useRef } from 'react';

export interface ConfirmDialogProps {
  title: string;
  message: string;
  confirmLabel: string;
  onConfirm(): void;
  onCancel(): void;
}

/** A modal question; Escape or "Keep it running" says no. Focus starts on the safe answer. */
export function ConfirmDialog(p: ConfirmDialogProps) {
  const safe = useRef<HTMLButtonElement>(null);
  useEffect(() => safe.current?.focus(), []);
  return (
    <div className="backdrop">
      <div
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="confirm-title"
        aria-describedby="confirm-text"
        className="dialog"
        onKeyDown={(e) => {
          if (e.key === 'Escape') p.onCancel();
        }}
      >
        <h2 id="confirm-title">{p.title}</h2>
        <p id="confirm-text">{p.message}</p>
        <div className="actions">
          <button type="button" ref={safe} onClick={p.onCancel}>
            Keep it running
          </button>
          <button type="button" className="danger" onClick={p.onConfirm}>
            {p.confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
