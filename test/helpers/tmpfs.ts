// Real small file systems for fault tests: a tmpfs that fills up, remounted read-only and back.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';

/** Whether this machine lets the tests mount a tmpfs (root, and a kernel that allows it). */
export function canMount(): boolean {
  if (process.getuid?.() !== 0) return false;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-mount-probe-'));
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]).status === 0;
  if (ok) spawnSync('umount', [dir]);
  fs.rmdirSync(dir);
  return ok;
}

const mounted: string[] = [];

/** A fresh tmpfs of `size`; `unmountAll` removes it. */
export function mountTmpfs(size = '64k'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-fs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir]);
  mounted.push(dir);
  return dir;
}

export const remount = (dir: string, mode: 'ro' | 'rw') =>
  execFileSync('mount', ['-o', `remount,${mode}`, dir]);

/** Fills the file system: no page is left for a new byte. */
export function fill(dir: string): void {
  try {
    fs.writeFileSync(path.join(dir, 'filler'), Buffer.alloc(1 << 20));
  } catch (e) {
    expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
  }
  expect(() => fs.writeFileSync(path.join(dir, 'probe'), 'x')).toThrow(/ENOSPC/);
  fs.rmSync(path.join(dir, 'probe'), { force: true });
}

export function unmountAll(): void {
  for (const dir of mounted.splice(0).reverse()) {
    if (spawnSync('umount', [dir]).status !== 0) spawnSync('umount', ['-l', dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
