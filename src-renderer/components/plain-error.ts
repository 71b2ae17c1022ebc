import { SafeKillError } from '../../src-shared/errors';

const PLAIN: Record<string, string> = {
  'not-found': 'That process has already exited.',
  'pid-reused': 'That process has exited and its PID now belongs to another program.',
  'permission-denied': 'Permission denied: this process belongs to another user.',
  protected: 'This process is protected.',
  'bad-input': 'SafeKill did not understand the request.',
};

/** An error in plain words, with SafeKill's own explanation after it. */
export function plainError(e: unknown): string {
  if (e instanceof SafeKillError) {
    const lead = PLAIN[e.code];
    return lead ? `${lead} (${e.message})` : e.message;
  }
  return e instanceof Error ? e.message : String(e);
}
