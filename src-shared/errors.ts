/**
 * Typed error codes shared by every face (CLI, IPC, bridge). The message is for people; the code
 * is for programs.
 */
export const ERROR_CODES = [
  'bad-input',
  'not-found',
  'pid-reused',
  'permission-denied',
  'protected',
  'unsupported',
  'did-not-exit',
  'already-ending',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface SafeKillErrorInfo {
  code: ErrorCode;
  message: string;
}

export class SafeKillError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'SafeKillError';
    this.code = code;
  }
  toJSON(): SafeKillErrorInfo {
    return { code: this.code, message: this.message };
  }
}

export function isSafeKillError(e: unknown): e is SafeKillError {
  return e instanceof SafeKillError;
}
