import { useCallback, useRef, useSyncExternalStore } from 'react';
import { uiSettings } from './settings';

/**
 * A view setting kept across runs in settings.json (sort, tree view, columns): read from the
 * settings loaded at start, written back through the contract. A value that is missing or fails
 * `valid` gives the default (the first one passed: the same object on every render).
 */
export function useRemembered<T>(
  name: string,
  fallback: T,
  valid: (v: unknown) => v is T,
): [T, (v: T | ((old: T) => T)) => void] {
  const stored = useSyncExternalStore(uiSettings.subscribe, () => uiSettings.read(name));
  // The first fallback, kept: a literal default is a new object on every render, and the
  // memos downstream (the sorted rows) compare these values by identity.
  const initial = useRef(fallback).current;
  const value = valid(stored) ? stored : initial;
  const current = useRef(value);
  current.current = value;
  const set = useCallback(
    (v: T | ((old: T) => T)) => {
      const next = typeof v === 'function' ? (v as (old: T) => T)(current.current) : v;
      current.current = next;
      uiSettings.remember(name, next);
    },
    [name],
  );
  return [value, set];
}
