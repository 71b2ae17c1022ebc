import { koffi as loadKoffi } from '../koffi';
import type { Advapi32 } from './api';

const TOKEN_QUERY = 0x0008;
const TOKEN_USER_CLASS = 1;
const TOKEN_ELEVATION_CLASS = 20;
const TOKEN_INTEGRITY_CLASS = 25;
const TOKEN_USER_BYTES = 256; // TOKEN_USER plus a SID (at most 68 bytes)
const NAME_CHARS = 256;
const SC_MANAGER_ENUMERATE_SERVICE = 0x0004;
const SC_ENUM_PROCESS_INFO = 0;
const SERVICE_WIN32 = 0x30;
const SERVICE_ACTIVE = 0x1;
const ERROR_MORE_DATA = 234;

let cached: Advapi32 | undefined;

/** advapi32's token and account functions through koffi, loaded once (Windows only). */
export function advapi32(): Advapi32 {
  if (cached) return cached;
  const koffi = loadKoffi();
  const a = koffi.load('advapi32.dll');
  const OpenProcessToken = a.func(
    'bool __stdcall OpenProcessToken(void *h, uint32_t access, _Out_ void **token)',
  );
  const GetTokenInformation = a.func(
    'bool __stdcall GetTokenInformation(void *token, int cls, _Out_ uint8_t *buf, uint32_t len, _Out_ uint32_t *needed)',
  );
  const GetLengthSid = a.func('uint32_t __stdcall GetLengthSid(void *sid)');
  const LookupAccountSidW = a.func(
    'bool __stdcall LookupAccountSidW(const char16_t *system, const uint8_t *sid, _Out_ uint8_t *name, _Inout_ uint32_t *nameLen, _Out_ uint8_t *domain, _Inout_ uint32_t *domainLen, _Out_ int *use)',
  );
  const OpenSCManagerW = a.func(
    'void * __stdcall OpenSCManagerW(const char16_t *machine, const char16_t *db, uint32_t access)',
  );
  const EnumServicesStatusExW = a.func(
    'bool __stdcall EnumServicesStatusExW(void *scm, int level, uint32_t type, uint32_t state, _Out_ uint8_t *buf, uint32_t size, _Out_ uint32_t *needed, _Out_ uint32_t *returned, _Inout_ uint32_t *resume, const char16_t *group)',
  );
  const CloseServiceHandle = a.func('bool __stdcall CloseServiceHandle(void *h)');
  const SERVICE_STATUS_PROCESS = koffi.struct('SERVICE_STATUS_PROCESS', {
    dwServiceType: 'uint32_t',
    dwCurrentState: 'uint32_t',
    dwControlsAccepted: 'uint32_t',
    dwWin32ExitCode: 'uint32_t',
    dwServiceSpecificExitCode: 'uint32_t',
    dwCheckPoint: 'uint32_t',
    dwWaitHint: 'uint32_t',
    dwProcessId: 'uint32_t',
    dwServiceFlags: 'uint32_t',
  });
  const ENUM_SERVICE_STATUS_PROCESSW = koffi.struct('ENUM_SERVICE_STATUS_PROCESSW', {
    lpServiceName: 'str16',
    lpDisplayName: 'str16',
    ServiceStatusProcess: SERVICE_STATUS_PROCESS,
  });
  const k32 = koffi.load('kernel32.dll');
  const GetLastError = k32.func('uint32_t __stdcall GetLastError()');
  const CloseHandle = k32.func('bool __stdcall CloseHandle(void *h)');
  const GetCurrentProcess = k32.func('void * __stdcall GetCurrentProcess()');

  cached = {
    processUserSid(h) {
      const token = [null];
      if (!OpenProcessToken(h, TOKEN_QUERY, token) || !token[0]) return null;
      try {
        const buf = Buffer.alloc(TOKEN_USER_BYTES);
        if (!GetTokenInformation(token[0], TOKEN_USER_CLASS, buf, buf.length, [0])) return null;
        // TOKEN_USER starts with the PSID, which points into the same buffer.
        const sid = koffi.decode(buf, 'void *');
        const len = Number(GetLengthSid(sid));
        if (len <= 0 || len > 68) return null;
        return new Uint8Array(
          koffi.decode(sid, koffi.array('uint8_t', len, 'Typed')) as Uint8Array,
        );
      } finally {
        CloseHandle(token[0]);
      }
    },
    processTokenLevel(h) {
      const token = [null];
      if (!OpenProcessToken(h ?? GetCurrentProcess(), TOKEN_QUERY, token) || !token[0]) return null;
      try {
        const el = Buffer.alloc(4);
        if (!GetTokenInformation(token[0], TOKEN_ELEVATION_CLASS, el, 4, [0])) return null;
        const buf = Buffer.alloc(TOKEN_USER_BYTES);
        if (!GetTokenInformation(token[0], TOKEN_INTEGRITY_CLASS, buf, buf.length, [0]))
          return null;
        // TOKEN_MANDATORY_LABEL starts with the label's PSID: revision, sub-authority count,
        // a 6-byte authority, then the sub-authorities; the last one is the integrity RID.
        const sid = koffi.decode(buf, 'void *');
        const head = koffi.decode(sid, koffi.array('uint8_t', 8, 'Typed')) as Uint8Array;
        const count = head[1]!;
        if (count < 1 || count > 15) return null;
        const all = Buffer.from(
          koffi.decode(sid, koffi.array('uint8_t', 8 + 4 * count, 'Typed')) as Uint8Array,
        );
        return {
          elevated: el.readUInt32LE(0) !== 0,
          integrityRid: all.readUInt32LE(4 + 4 * count),
        };
      } finally {
        CloseHandle(token[0]);
      }
    },
    activeServices() {
      const scm = OpenSCManagerW(null, null, SC_MANAGER_ENUMERATE_SERVICE);
      if (!scm) return null;
      try {
        const out: { name: string; displayName: string; pid: number }[] = [];
        const resume = [0];
        let size = 64 * 1024;
        for (;;) {
          // The names live in the same buffer, after the entries: decode before the next call.
          const buf = Buffer.alloc(size);
          const needed = [0];
          const returned = [0];
          const ok = EnumServicesStatusExW(
            scm,
            SC_ENUM_PROCESS_INFO,
            SERVICE_WIN32,
            SERVICE_ACTIVE,
            buf,
            buf.length,
            needed,
            returned,
            resume,
            null,
          );
          const more = !ok && GetLastError() === ERROR_MORE_DATA;
          if (!ok && !more) return null;
          const n = returned[0]!;
          if (n > 0) {
            const entries = koffi.decode(buf, koffi.array(ENUM_SERVICE_STATUS_PROCESSW, n)) as {
              lpServiceName: string;
              lpDisplayName: string;
              ServiceStatusProcess: { dwProcessId: number };
            }[];
            for (const e of entries)
              out.push({
                name: e.lpServiceName,
                displayName: e.lpDisplayName,
                pid: e.ServiceStatusProcess.dwProcessId,
              });
          }
          if (!more) return out;
          if (n === 0) size = Math.max(size * 2, needed[0]!);
        }
      } finally {
        CloseServiceHandle(scm);
      }
    },
    lookupAccountSid(sid) {
      const name = Buffer.alloc(NAME_CHARS * 2);
      const domain = Buffer.alloc(NAME_CHARS * 2);
      const nameLen = [NAME_CHARS];
      const domainLen = [NAME_CHARS];
      if (!LookupAccountSidW(null, Buffer.from(sid), name, nameLen, domain, domainLen, [0])) {
        return null;
      }
      const n = name.toString('utf16le', 0, nameLen[0]! * 2);
      const d = domain.toString('utf16le', 0, domainLen[0]! * 2);
      return d ? `${d}\\${n}` : n;
    },
  };
  return cached;
}
