import {
  BUILT_IN_PROFILES,
  type CommandPart,
  type MatchedProfile,
  type ShutdownProfile,
} from '../../src-shared/profiles';

/** A profile with where it came from ("built-in", or the path of the user's profiles.json). */
export interface ProfileEntry {
  profile: ShutdownProfile;
  origin: string;
}

/** The built-in profiles as entries: what applies when the user has no profiles.json. */
export const BUILT_IN_ENTRIES: readonly ProfileEntry[] = BUILT_IN_PROFILES.map((profile) => ({
  profile,
  origin: 'built-in',
}));

/** What a process is, as far as matching a profile and filling in its stop command go. */
export interface ProgramIdentity {
  pid: number;
  /** Full path of its executable (/proc/PID/exe), when readable. */
  exe?: string;
  /** The kernel's command name. */
  comm: string;
  /** Its command line, one argument per item (as /proc/PID/cmdline gives it). */
  argv: string[];
  cwd?: string;
}

const globCache = new Map<string, RegExp>();
function glob(pattern: string): RegExp {
  let re = globCache.get(pattern);
  if (!re) {
    const body = pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
    re = new RegExp(`^${body.join('.*')}$`);
    globCache.set(pattern, re);
  }
  return re;
}

function basename(p: string): string {
  // The kernel marks an executable replaced on disk with " (deleted)".
  return (
    p
      .replace(/ \(deleted\)$/, '')
      .split('/')
      .pop() ?? p
  );
}

/**
 * A program that retitles itself (nginx, postgres) writes its title over argv[0] with spaces:
 * split it back into words so that options can be found.
 */
export function words(argv: string[]): string[] {
  const a = argv.filter((s) => s !== '');
  return a.length === 1 && a[0]!.includes(' ') ? a[0]!.split(/\s+/).filter(Boolean) : a;
}

const regexCache = new Map<string, RegExp>();
function regex(source: string): RegExp {
  let re = regexCache.get(source);
  if (!re) regexCache.set(source, (re = new RegExp(source)));
  return re;
}

/** `exe` is the executable's base name (computed once for every profile tried). */
function matches(p: ShutdownProfile, id: ProgramIdentity, exe: string | undefined): boolean {
  const byName =
    (exe !== undefined && (p.match.exe ?? []).some((g) => glob(g).test(exe))) ||
    (p.match.comm ?? []).some((g) => glob(g).test(id.comm));
  if (!byName) return false;
  return !p.match.cmdlineNot || !regex(p.match.cmdlineNot).test(words(id.argv).join(' '));
}

/** The first profile that matches (user profiles come first in `entries`), resolved for `id`. */
export function matchProfile(
  entries: readonly ProfileEntry[],
  id: ProgramIdentity,
): MatchedProfile | undefined {
  const exe = id.exe ? basename(id.exe) : undefined;
  const hit = entries.find((e) => matches(e.profile, id, exe));
  if (!hit) return undefined;
  const { nativeStop, ...rest } = hit.profile;
  return {
    ...rest,
    origin: hit.origin,
    ...(nativeStop
      ? { nativeStop: { command: resolveCommand(nativeStop.command, id), note: nativeStop.note } }
      : {}),
  };
}

function optionValue(argv: string[], opt: string): string | undefined {
  const w = words(argv);
  for (let i = 1; i < w.length; i++) {
    const a = w[i]!;
    if (a === opt) return w[i + 1];
    if (a.startsWith(`${opt}=`)) return a.slice(opt.length + 1);
    if (!opt.startsWith('--') && opt.length === 2 && a.startsWith(opt) && a.length > 2)
      return a.slice(2);
  }
  return undefined;
}

function placeholder(name: string, id: ProgramIdentity): string | undefined {
  for (const alt of name.split('|')) {
    const exe = id.exe?.replace(/ \(deleted\)$/, '');
    const v =
      alt === 'exe'
        ? exe
        : alt === 'exedir'
          ? exe?.slice(0, Math.max(exe.lastIndexOf('/'), 1))
          : alt === 'cwd'
            ? id.cwd
            : alt === 'pid'
              ? String(id.pid)
              : alt.startsWith('arg:')
                ? optionValue(id.argv, alt.slice(4))
                : undefined;
    if (v) return v;
  }
  return undefined;
}

/** Fills placeholders; one that is not known is left as `<name>` for the user to fill in. */
function fill(text: string, id: ProgramIdentity): string {
  return text.replace(/\{([^}]+)\}/g, (_, n: string) => placeholder(n, id) ?? `<${n}>`);
}

export function resolveCommand(parts: readonly CommandPart[], id: ProgramIdentity): string[] {
  const out: string[] = [];
  for (const part of parts) {
    if (typeof part === 'string') out.push(fill(part, id));
    else if (placeholder(part.when.replace(/^\{|\}$/g, ''), id) !== undefined)
      out.push(...part.args.map((a) => fill(a, id)));
  }
  return out;
}
