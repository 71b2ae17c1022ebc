import { Fragment, useEffect, useRef, type KeyboardEvent } from 'react';
import type { Strategy } from '../../src-shared/kill';
import type { ProcessRow } from '../../src-shared/process';
import { STRATEGY_HELP, strategyWords } from '../state/words';

export type RowAction =
  | { kind: 'end'; tree: boolean }
  | { kind: 'end-with'; strategy: Strategy }
  | { kind: 'end-elevated' }
  | { kind: 'copy'; what: 'pid' | 'cmdline' }
  | { kind: 'parent' }
  | { kind: 'details' };

export interface RowMenuProps {
  row: ProcessRow;
  /** Where it opens (the pointer, or the row's corner for the keyboard). */
  x: number;
  y: number;
  strategies: readonly Strategy[];
  /** The row is being ended already: the End items are off. */
  ending: boolean;
  hasParent: boolean;
  /** The plan says ending it from here will be denied, in words: End as administrator is offered. */
  needsElevation?: string | undefined;
  onAction(a: RowAction): void;
  onClose(): void;
}

/**
 * A row's context menu (right-click, the Menu key, Shift+F10): arrows move, Enter picks,
 * Escape or a click elsewhere closes it and gives focus back to the grid.
 */
export function RowMenu(p: RowMenuProps) {
  const ref = useRef<HTMLDivElement>(null);
  const close = useRef(p.onClose);
  close.current = p.onClose;
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('[role=menuitem]:not([aria-disabled=true])')?.focus();
    const onDown = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) close.current();
    };
    window.addEventListener('mousedown', onDown);
    return () => window.removeEventListener('mousedown', onDown);
  }, []);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const items = [
      ...(ref.current?.querySelectorAll<HTMLElement>('[role=menuitem]:not([aria-disabled=true])') ??
        []),
    ];
    const at = items.indexOf(document.activeElement as HTMLElement);
    const go = (i: number) => items[(i + items.length) % items.length]?.focus();
    if (e.key === 'ArrowDown') go(at + 1);
    else if (e.key === 'ArrowUp') go(at - 1);
    else if (e.key === 'Home') go(0);
    else if (e.key === 'End') go(items.length - 1);
    else if (e.key === 'Escape' || e.key === 'Tab') p.onClose();
    else if (e.key === 'Enter' || e.key === ' ') (document.activeElement as HTMLElement).click();
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  const item = (label: string, action: RowAction, disabled = false, help?: string) => (
    <div
      role="menuitem"
      tabIndex={-1}
      aria-disabled={disabled || undefined}
      className="menu-item"
      onClick={() => {
        if (disabled) return;
        p.onClose();
        p.onAction(action);
      }}
    >
      {label}
      {help && <span className="menu-help">{help}</span>}
    </div>
  );

  const who = `${p.row.name} (${p.row.pid})`;
  return (
    <div
      ref={ref}
      role="menu"
      aria-label={`Actions for ${who}`}
      className="menu"
      style={{
        left: Math.min(p.x, window.innerWidth - 330),
        top: Math.min(p.y, window.innerHeight - 420),
      }}
      onKeyDown={onKeyDown}
    >
      {p.needsElevation &&
        item(
          'End as administrator…',
          { kind: 'end-elevated' },
          p.ending,
          elevationHelp(p.row.user),
        )}
      {item('End', { kind: 'end', tree: false }, p.ending)}
      {item('End tree', { kind: 'end', tree: true }, p.ending)}
      <div role="group" aria-label="End with" className="menu-group">
        <div className="menu-title" aria-hidden="true">
          End with…
        </div>
        {p.strategies.map((s) => (
          <Fragment key={s}>
            {item(
              `End with: ${strategyWords(s)}`,
              { kind: 'end-with', strategy: s },
              p.ending,
              STRATEGY_HELP[s],
            )}
          </Fragment>
        ))}
      </div>
      <div role="separator" className="menu-sep" />
      {item('Copy PID', { kind: 'copy', what: 'pid' })}
      {item('Copy command line', { kind: 'copy', what: 'cmdline' }, !p.row.cmdline)}
      {item('Go to parent', { kind: 'parent' }, !p.hasParent)}
      {item('Show details', { kind: 'details' })}
    </div>
  );
}

/** Why End as administrator is offered, and what it will ask for. */
export const elevationHelp = (user: string) =>
  `This process belongs to ${user || 'another user'}: ending it from here would be denied. SafeKill will ask for an administrator password.`;
