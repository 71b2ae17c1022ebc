import fs from 'node:fs';
import { SafeKillError } from '../../src-shared/errors';
import type { ProfileSignal } from '../../src-shared/profiles';
import { profileSchema } from '../../src-shared/profile-schema';
import { tmpNameFor, writeAtomically } from './atomic-file';
import { BUILT_IN_ENTRIES, type ProfileEntry } from '../engine/profile-match';

export interface LoadedProfiles {
  /** User profiles first (they win), then the built-in ones they do not replace. */
  entries: readonly ProfileEntry[];
  /** One line per problem, naming the file, the entry and the field. */
  problems: string[];
}

function fieldPath(p: readonly PropertyKey[]): string {
  return p.reduce<string>(
    (s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${String(k)}` : String(k)),
    '',
  );
}

/**
 * Reads profiles.json: `[profile, …]` or `{ "profiles": [profile, …] }`. A missing file is no
 * problem; a bad entry is skipped with a problem that names the file, the entry and the field,
 * and everything else (the built-in profiles too) still works.
 */
export function loadProfiles(file: string): LoadedProfiles {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { entries: BUILT_IN_ENTRIES, problems: [] };
    return {
      entries: BUILT_IN_ENTRIES,
      problems: [`${file}: cannot be read (${code}); built-in profiles are used`],
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return {
      entries: BUILT_IN_ENTRIES,
      problems: [`${file}: not valid JSON (${(e as Error).message}); built-in profiles are used`],
    };
  }
  const list = Array.isArray(json)
    ? json
    : ((json as { profiles?: unknown } | null)?.profiles ?? undefined);
  if (!Array.isArray(list)) {
    return {
      entries: BUILT_IN_ENTRIES,
      problems: [
        `${file}: expected a list of profiles, or { "profiles": [ … ] }; built-in profiles are used`,
      ],
    };
  }
  const problems: string[] = [];
  const user: ProfileEntry[] = [];
  list.forEach((raw, i) => {
    const parsed = profileSchema().safeParse(raw);
    const id = (raw as { id?: unknown } | null)?.id;
    const entry = `entry ${i + 1}${typeof id === 'string' ? ` ("${id}")` : ''}`;
    if (parsed.success) {
      user.push({ profile: parsed.data, origin: file });
      return;
    }
    for (const issue of parsed.error.issues) {
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : undefined;
      const at = keys
        ? keys.map((k) => fieldPath([...issue.path, k])).join(', ')
        : fieldPath(issue.path) || '(the entry itself)';
      problems.push(
        `${file}: ${entry}: field ${at}: ${keys ? 'unknown field' : issue.message}; entry skipped`,
      );
    }
  });
  const replaced = new Set(user.map((u) => u.profile.id));
  return {
    entries: [...user, ...BUILT_IN_ENTRIES.filter((b) => !replaced.has(b.profile.id))],
    problems,
  };
}

/** A loader for the platform: re-reads the file only when it changed. */
export function profilesLoader(file: string): () => LoadedProfiles {
  let cached: { key: string; loaded: LoadedProfiles } | undefined;
  return () => {
    let key = 'absent';
    try {
      const st = fs.statSync(file);
      key = `${st.mtimeMs}:${st.size}`;
    } catch {
      // Absent: built-ins only.
    }
    if (cached?.key !== key) cached = { key, loaded: loadProfiles(file) };
    return cached.loaded;
  };
}

/** What "remember for this program" keeps: the polite signal and grace the user chose. */
export interface Remembered {
  /** The executable's basename the profile matches. */
  exe: string;
  signal: ProfileSignal;
  graceMs: number;
}

/**
 * Adds (or replaces) a user profile for one program in profiles.json, written atomically. A file
 * that cannot be read as a list of profiles is never overwritten: the user's own entries would
 * be lost, so that is a typed error instead.
 */
export async function rememberProfile(file: string, r: Remembered): Promise<{ id: string }> {
  let list: unknown[] = [];
  let wrapped = false;
  try {
    const json: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    wrapped = !Array.isArray(json);
    const inner = Array.isArray(json) ? json : (json as { profiles?: unknown } | null)?.profiles;
    if (!Array.isArray(inner)) throw new Error('expected a list of profiles');
    list = inner;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new SafeKillError(
        'bad-input',
        `${file} cannot be updated without losing what it holds (${(e as Error).message}); fix it, or remove it`,
      );
  }
  const slug = r.exe
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '');
  const id = `remembered-${slug || 'program'}`.slice(0, 60);
  const profile = profileSchema().parse({
    id,
    name: r.exe,
    // Either the executable's basename or the kernel's name for it (python3 runs python3.11).
    match: { exe: [r.exe], comm: [r.exe.slice(0, 15)] },
    steps: [
      { signal: r.signal, graceMs: r.graceMs, reason: `${r.signal}, as you chose for ${r.exe}` },
    ],
    source: 'remembered from SafeKill (profiles.json)',
  });
  const next = [...list.filter((p) => (p as { id?: unknown } | null)?.id !== id), profile];
  const text = JSON.stringify(wrapped ? { profiles: next } : next, null, 2) + '\n';
  await writeAtomically(file, text, tmpNameFor(file));
  return { id };
}
