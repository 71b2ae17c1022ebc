import { memo, type KeyboardEvent, type RefObject } from 'react';
import type { AppInfo } from '../../src-shared/api';
import type { Strategy } from '../../src-shared/kill';
import type { QuickFilters } from '../../src-shared/rows';
import type { Settings, SettingsPatch } from '../../src-shared/settings';
import { ColumnPicker } from './ColumnPicker';
import { SettingsPanel } from './SettingsPanel';

export interface ToolbarProps {
  filter: string;
  onFilter(text: string): void;
  filterRef: RefObject<HTMLInputElement | null>;
  /** Arrow Down or Enter in the filter: into the grid. */
  onFilterKeyDown(e: KeyboardEvent<HTMLInputElement>): void;
  tree: boolean;
  onTree(tree: boolean): void;
  quick: QuickFilters;
  onQuick(key: keyof QuickFilters, on: boolean): void;
  hiddenColumns: readonly string[];
  onHiddenColumns(hidden: string[]): void;
  settings: Settings;
  strategies: readonly Strategy[];
  settingsProblem: string | undefined;
  onSettings(patch: SettingsPatch): void;
  drawerOpen: boolean;
  onToggleDrawer(): void;
  /** Ends running now (shown on the drawer's button). */
  liveCount: number;
  mode: AppInfo['mode'] | undefined;
}

export const QUICK_FILTERS: [keyof QuickFilters, string][] = [
  ['mineOnly', 'My processes'],
  ['hideKernelThreads', 'Hide kernel threads'],
  ['withWindowsOnly', 'With windows'],
];

/**
 * The header: the filter, the view's toggles, columns and settings. Memoized with stable
 * props: a table update (once a second, 5,000 rows) does not re-render it.
 */
export const Toolbar = memo(function Toolbar(props: ToolbarProps) {
  return (
    <header className="top">
      <h1>SafeKill</h1>
      <input
        ref={props.filterRef}
        type="search"
        className="filter"
        aria-label="Filter processes"
        placeholder="Filter by name, PID or command line  ( / )"
        value={props.filter}
        onChange={(e) => props.onFilter(e.target.value)}
        onKeyDown={props.onFilterKeyDown}
      />
      <label className="tree-toggle">
        <input
          type="checkbox"
          checked={props.tree}
          onChange={(e) => props.onTree(e.target.checked)}
        />{' '}
        Tree view
      </label>
      <fieldset className="quick-filters">
        <legend className="visually-hidden">Show</legend>
        {QUICK_FILTERS.map(([key, label]) => (
          <label key={key} className="tree-toggle">
            <input
              type="checkbox"
              checked={props.quick[key] === true}
              onChange={(e) => props.onQuick(key, e.target.checked)}
            />{' '}
            {label}
          </label>
        ))}
      </fieldset>
      <ColumnPicker hidden={props.hiddenColumns} onChange={props.onHiddenColumns} />
      <SettingsPanel
        settings={props.settings}
        strategies={props.strategies}
        problem={props.settingsProblem}
        onChange={props.onSettings}
      />
      <button
        type="button"
        className="drawer-toggle"
        aria-expanded={props.drawerOpen}
        aria-controls="side-panel"
        onClick={props.onToggleDrawer}
      >
        {props.liveCount > 0 ? `Details · ${props.liveCount} ending` : 'Details'}
      </button>
      <span className="muted small mode">
        {props.mode ? (props.mode === 'browser' ? 'Browser mode' : 'Desktop') : 'Connecting…'}
      </span>
    </header>
  );
});
