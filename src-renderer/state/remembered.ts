import { useEffect, useState } from 'react';

const PREFIX = 'safekill.';

/**
 * A view setting kept across reloads in localStorage (sort, tree view). A value that is missing,
 * unreadable or fails `valid` gives the default; storage that refuses writes is ignored.
 */
export function useRemembered<T>(
  name: string,
  fallback: T,
  valid: (v: unknown) => v is T,
): [T, (v: T | ((old: T) => T)) => void] {
  const [value, setValue] = useState<T>(() => {
    try {
      const raw = localStorage.getItem(PREFIX + name);
      const parsed: unknown = raw === null ? undefined : JSON.parse(raw);
      return valid(parsed) ? parsed : fallback;
    } catch {
      return fallback;
    }
  });
  useEffect(() => {
    try {
      localStorage.setItem(PREFIX + name, JSON.stringify(value));
    } catch {
      // Private mode or a full quota: the setting lasts for this page only.
    }
  }, [name, value]);
  return [value, setValue];
}
