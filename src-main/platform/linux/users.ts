import fs from 'node:fs';

let byUid: Map<number, string> | undefined;

/** User names from the passwd file, read once (not per row or per call). */
export function userName(uid: number): string {
  if (!byUid) {
    byUid = new Map();
    try {
      for (const line of fs.readFileSync('/etc/passwd', 'utf8').split('\n')) {
        const [name, , id] = line.split(':');
        if (name && id !== undefined && /^\d+$/.test(id)) byUid.set(Number(id), name);
      }
    } catch {
      // No passwd file (a container, say): fall back to numbers.
    }
  }
  return byUid.get(uid) ?? String(uid);
}

/** The owner of a process, from its /proc directory; undefined when it is gone. */
export function processUid(pid: number): number | undefined {
  try {
    return fs.statSync(`/proc/${pid}`).uid;
  } catch {
    return undefined;
  }
}
