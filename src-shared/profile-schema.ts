/**
 * The zod schema of a shutdown profile, apart from the profiles themselves so that only what
 * reads a user's profiles.json (or remembers a profile) loads zod: a list never does.
 */
import { z } from 'zod';
import { MAX_GRACE_MS } from './kill';
import { PROFILE_SIGNALS } from './profiles';

/**
 * The schema of a profile, built on first use (a user's profiles.json, a remembered profile):
 * building it costs more than a kill's first signal or a list's rows, which never need it.
 */
export const profileSchema = () => (built ??= buildProfileSchema());
let built: ReturnType<typeof buildProfileSchema> | undefined;

function buildProfileSchema() {
  const signal = z.enum(PROFILE_SIGNALS);
  const name = z.string().min(1).max(100);

  const regex = z
    .string()
    .min(1)
    .max(500)
    .refine((s) => {
      try {
        new RegExp(s);
        return true;
      } catch {
        return false;
      }
    }, 'not a valid regular expression');

  /**
   * One argument of a native stop command. Placeholders: `{exe}` (the program's executable path),
   * `{exedir}`, `{cwd}`, `{pid}`, `{arg:-X}` (the value after option -X in its command line);
   * `{a|b}` takes the first that is known. `{ when, args }` adds `args` only when the placeholder
   * `when` is known (e.g. nginx's `-c CONFIG` only if it was started with one).
   */
  const commandPart = z.union([
    z.string().min(1).max(500),
    z.strictObject({ when: z.string().min(1).max(100), args: z.array(z.string().min(1)).min(1) }),
  ]);

  return z.strictObject({
    /** Stable identifier, e.g. `postgresql`. */
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]*$/, 'lowercase letters, digits, ".", "_" or "-"')
      .max(60),
    /** The program's name, for people. */
    name,
    match: z
      .strictObject({
        /** Basenames of the executable (/proc/PID/exe); `*` matches any run of characters. */
        exe: z.array(name).min(1).optional(),
        /** The kernel's command name (comm, at most 15 characters); `*` as above. */
        comm: z.array(z.string().min(1).max(15)).min(1).optional(),
        /** A regular expression the command line must not match (a server's worker processes). */
        cmdlineNot: regex.optional(),
      })
      .refine((m) => m.exe !== undefined || m.comm !== undefined, 'needs "exe" or "comm"'),
    /** The polite stops in order, each with its grace period and a reason true for this program. */
    steps: z
      .array(
        z.strictObject({
          signal,
          graceMs: z.number().int().min(0).max(MAX_GRACE_MS),
          reason: z.string().min(1).max(500),
        }),
      )
      .min(1)
      .max(4),
    /** What other signals that do end it mean, shown when the user picks one (PostgreSQL: SIGTERM). */
    meanings: z.partialRecord(signal, z.string().min(1).max(500)).optional(),
    /** Signals this program catches without ending, and what it does instead (nginx: SIGHUP). */
    notAStop: z.partialRecord(signal, z.string().min(1).max(500)).optional(),
    /** Where the facts come from: a manual page or documentation section. */
    source: z.string().min(1).max(300),
    note: z.string().min(1).max(500).optional(),
    /** The program's own stop command; SafeKill offers it in the plan. */
    nativeStop: z
      .strictObject({
        command: z.array(commandPart).min(1).max(30),
        note: z.string().min(1).max(500),
      })
      .optional(),
  });
}
