import { describe, expect, it } from 'vitest';
import { signalName } from '../../src-shared/signals';
import { maskSignals } from '../../src-main/platform/linux/proc-status';

/** The plain definition: bit n-1 set means signal n. */
const reference = (mask: bigint) =>
  Array.from({ length: 64 }, (_, i) => i + 1)
    .filter((n) => (mask >> BigInt(n - 1)) & 1n)
    .map(signalName);

describe('maskSignals', () => {
  it('names the signals of a /proc mask, lowest first, in both halves of its 64 bits', () => {
    expect(maskSignals(0n)).toEqual([]);
    expect(maskSignals(1n << 14n)).toEqual(['SIGTERM']);
    const masks = [0xffffffffffffffffn, 1n << 31n, 1n << 32n, 1n << 63n, 0x180004a03n];
    let x = 0x9e3779b97f4a7c15n;
    for (let i = 0; i < 200; i++) {
      x = (x * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
      masks.push(x);
    }
    for (const m of masks) expect(maskSignals(m)).toEqual(reference(m));
    // Past the memo's 256 masks too (it starts again): still the plain definition.
    for (let i = 0; i < 300; i++)
      expect(maskSignals(BigInt(i) << 20n)).toEqual(reference(BigInt(i) << 20n));
  });

  it('names a mask once: the same frozen array for every process that shares it', () => {
    const m = 0x4b817efbn;
    expect(maskSignals(m)).toBe(maskSignals(m));
    expect(Object.isFrozen(maskSignals(m))).toBe(true);
  });
});
