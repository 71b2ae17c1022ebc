import { useEffect, useRef, type KeyboardEvent } from 'react';

export interface ConfirmDialogProps {
  title: string;
  message: string;
  confirmLabel: string;
  /** What will be ended, listed under the message. */
  items?: string[];
  onConfirm(): void;
  onCancel(): void;
}

/**
 * A modal question; Escape or "Keep it running" says no. Focus starts on the safe answer and
 * stays inside: Tab and Shift+Tab cycle through its buttons, a click outside brings it back.
 */
export function ConfirmDialog(p: ConfirmDialogProps) {
  const safe = useRef<HTMLButtonElement>(null);
  const box = useRef<HTMLDivElement>(null);
  // The latest handler, so that a re-render does not re-run the effect (and move focus).
  const cancel = useRef(p.onCancel);
  cancel.current = p.onCancel;
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    safe.current?.focus();
    // Escape says no wherever focus is; focus that wandered off (a click outside) comes back.
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        cancel.current();
      }
    };
    const onFocus = (e: FocusEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) safe.current?.focus();
    };
    window.addEventListener('keydown', onKey);
    document.addEventListener('focusin', onFocus);
    return () => {
      window.removeEventListener('keydown', onKey);
      document.removeEventListener('focusin', onFocus);
      before?.focus();
    };
  }, []);

  const trapTab = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'Tab' || !box.current) return;
    const items = [...box.current.querySelectorAll<HTMLElement>('button:not(:disabled)')];
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) return;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  return (
    <div
      className="backdrop"
      // A click beside the dialog does not take focus out of it.
      onMouseDown={(e) => {
        if (!box.current?.contains(e.target as Node)) e.preventDefault();
      }}
    >
      <div
        ref={box}
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="confirm-title"
        aria-describedby="confirm-text"
        className="dialog"
        onKeyDown={trapTab}
      >
        <h2 id="confirm-title">{p.title}</h2>
        <p id="confirm-text">{p.message}</p>
        {p.items && (
          <ul className="confirm-list" aria-label="Will be ended">
            {p.items.map((t) => (
              <li key={t}>{t}</li>
            ))}
          </ul>
        )}
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
