import { koffi as loadKoffi } from '../koffi';
import type { Handle } from './api';

/** ntdll: what only the native API tells, with limited query access. */
export interface Ntdll {
  /**
   * The process's real command line from its PEB: NtQueryInformationProcess(
   * ProcessCommandLineInformation = 60), Windows 8.1 and later. Null when it may not be read
   * (access denied, a protected process) or is gone; undefined when the system does not answer
   * that question at all (older Windows, Wine 8): nothing is denied then.
   */
  processCommandLine(h: Handle): string | null | undefined;
}

const PROCESS_COMMAND_LINE_INFORMATION = 60;
const STATUS_INFO_LENGTH_MISMATCH = 0xc0000004;
/** STATUS_NOT_IMPLEMENTED, STATUS_INVALID_INFO_CLASS, STATUS_NOT_SUPPORTED: not a refusal. */
const UNANSWERED = new Set([0xc0000002, 0xc0000003, 0xc00000bb]);
/** UNICODE_STRING.Length is a USHORT of bytes, so a command line is at most 32 767 characters. */
const MAX_ANSWER_BYTES = 16 + 0xffff;

/**
 * Reads the answer: a UNICODE_STRING (USHORT Length in bytes, USHORT MaximumLength, padding,
 * then a pointer) whose characters follow it in the same buffer. Null when it does not fit.
 */
export function commandLineFromAnswer(answer: Buffer, pointerBytes: 4 | 8): string | null {
  const header = 2 * pointerBytes; // two USHORTs padded to the pointer's alignment, then it
  if (answer.length < header) return null;
  const length = answer.readUInt16LE(0);
  if (length % 2 !== 0 || header + length > answer.length) return null;
  return answer.toString('utf16le', header, header + length);
}

let cached: Ntdll | undefined;

/** ntdll's NtQueryInformationProcess through koffi, loaded once on first use (Windows only). */
export function ntdll(): Ntdll {
  if (cached) return cached;
  const koffi = loadKoffi();
  const n = koffi.load('ntdll.dll');
  const NtQueryInformationProcess = n.func(
    'uint32_t __stdcall NtQueryInformationProcess(void *h, int cls, _Out_ uint8_t *info, uint32_t len, _Out_ uint32_t *returned)',
  );
  const pointerBytes = koffi.sizeof('void *') as 4 | 8;
  // Most command lines fit: one call; longer ones are asked again at the size the first gave.
  const buf = Buffer.alloc(4096);
  cached = {
    processCommandLine(h) {
      const returned = [0];
      let status =
        NtQueryInformationProcess(
          h,
          PROCESS_COMMAND_LINE_INFORMATION,
          buf,
          buf.length,
          returned,
        ) >>> 0;
      if (status === 0) return commandLineFromAnswer(buf.subarray(0, returned[0]), pointerBytes);
      if (UNANSWERED.has(status)) return undefined;
      if (status !== STATUS_INFO_LENGTH_MISMATCH || returned[0]! > MAX_ANSWER_BYTES) return null;
      const big = Buffer.alloc(returned[0]!);
      status =
        NtQueryInformationProcess(
          h,
          PROCESS_COMMAND_LINE_INFORMATION,
          big,
          big.length,
          returned,
        ) >>> 0;
      return status === 0 ? commandLineFromAnswer(big, pointerBytes) : null;
    },
  };
  return cached;
}
