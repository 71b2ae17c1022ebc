import { useState } from 'react';
import { COLUMNS } from './ProcessTable';

export interface ColumnPickerProps {
  hidden: readonly string[];
  onChange(hidden: string[]): void;
}

/** Which columns the grid shows (Name always): a button opening a list of checkboxes. */
export function ColumnPicker({ hidden, onChange }: ColumnPickerProps) {
  const [open, setOpen] = useState(false);
  return (
    <div
      className="column-picker"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.stopPropagation();
          setOpen(false);
        }
      }}
    >
      <button
        type="button"
        aria-expanded={open}
        aria-controls="column-list"
        onClick={() => setOpen((o) => !o)}
      >
        Columns
      </button>
      {open && (
        <fieldset id="column-list" className="column-list">
          <legend>Show columns</legend>
          {COLUMNS.filter((c) => c.id !== 'name').map((c) => (
            <label key={c.id}>
              <input
                type="checkbox"
                checked={!hidden.includes(c.id)}
                onChange={(e) =>
                  onChange(e.target.checked ? hidden.filter((h) => h !== c.id) : [...hidden, c.id])
                }
              />{' '}
              {c.label}
            </label>
          ))}
        </fieldset>
      )}
    </div>
  );
}
