/**
 * Signal 0 through kill(2): sends nothing, and tells whether the PID names a process (EPERM:
 * another user's, but there). Says nothing of which process: a PID can be reused.
 */
export function pidInUse(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
