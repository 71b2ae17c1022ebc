import { processUid, userName } from './users';

/**
 * Linux: a process of another user cannot be signalled by a SafeKill that is not root; the plan
 * says so before anything is sent, and that End as administrator (polkit, signals only) can.
 */
export function linuxNeedsElevation(
  pid: number,
  myUid: number | undefined = process.geteuid?.(),
): string | undefined {
  if (myUid === undefined || myUid === 0) return undefined;
  const uid = processUid(pid);
  if (uid === undefined || uid === myUid) return undefined;
  return `needs administrator: PID ${pid} runs as user ${userName(uid)} and SafeKill as ${userName(myUid)}, so its signals will be denied; End as administrator (kill --elevate, polkit) can send them (signals only: its windows are not asked to close)`;
}
