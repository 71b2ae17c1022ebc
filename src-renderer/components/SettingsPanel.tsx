import { useId, useRef, useState } from 'react';
import type { StrategyChoice, Strategy } from '../../src-shared/kill';
import { MAX_GRACE_MS } from '../../src-shared/kill';
import { THEMES, type Settings, type SettingsPatch } from '../../src-shared/settings';
import { strategyWords } from '../state/words';
import { graceProblem } from './DetailsPanel';

export interface SettingsPanelProps {
  settings: Settings;
  /** Strategies offered on this platform (besides Automatic). */
  strategies: readonly Strategy[];
  /** A failed save or read, in words. */
  problem?: string | undefined;
  onChange(patch: SettingsPatch): void;
}

const THEME_WORDS: Record<Settings['theme'], string> = {
  system: 'System',
  light: 'Light',
  dark: 'Dark',
};
const MAX_GRACE_S = MAX_GRACE_MS / 1000;

/**
 * The toolbar's Settings: theme, and the grace and strategy a newly selected process starts
 * with. A disclosure (button + group); Escape closes it and gives focus back to the button.
 */
export function SettingsPanel({ settings, strategies, problem, onChange }: SettingsPanelProps) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const id = useId();
  return (
    <div
      className="settings-menu"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.stopPropagation();
          setOpen(false);
          button.current?.focus();
        }
      }}
    >
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls={`${id}-panel`}
        onClick={() => setOpen((o) => !o)}
      >
        Settings
      </button>
      {open && (
        <div id={`${id}-panel`} role="group" aria-label="Settings" className="settings-panel">
          <fieldset>
            <legend>Theme</legend>
            {THEMES.map((t) => (
              <label key={t}>
                <input
                  type="radio"
                  name={`${id}-theme`}
                  checked={settings.theme === t}
                  onChange={() => onChange({ theme: t })}
                />{' '}
                {THEME_WORDS[t]}
              </label>
            ))}
          </fieldset>
          <DefaultGrace
            seconds={settings.defaultGraceS}
            onChange={(s) => onChange({ defaultGraceS: s })}
          />
          <label>
            Default strategy{' '}
            <select
              value={settings.defaultStrategy}
              onChange={(e) => onChange({ defaultStrategy: e.target.value as StrategyChoice })}
            >
              <option value="auto">Automatic</option>
              {strategies.map((s) => (
                <option key={s} value={s}>
                  {strategyWords(s)}
                </option>
              ))}
            </select>
          </label>
          {problem && (
            <p className="error" role="alert">
              {problem}
            </p>
          )}
        </div>
      )}
    </div>
  );
}

/** Typed freely; only a valid number of seconds is saved. */
function DefaultGrace({ seconds, onChange }: { seconds: number; onChange(s: number): void }) {
  const [text, setText] = useState(String(seconds));
  const why = graceProblem(text);
  const id = useId();
  return (
    <label>
      Default grace period (seconds){' '}
      <input
        type="number"
        min={0}
        max={MAX_GRACE_S}
        step={0.5}
        value={text}
        aria-invalid={why !== undefined}
        aria-describedby={why ? id : undefined}
        onChange={(e) => {
          setText(e.target.value);
          if (graceProblem(e.target.value) === undefined) onChange(Number(e.target.value));
        }}
      />
      {why && (
        <span id={id} className="field-error">
          {why} The default stays {seconds} s.
        </span>
      )}
    </label>
  );
}
