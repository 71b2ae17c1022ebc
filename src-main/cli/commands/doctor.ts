import { runtimeReport } from '../../runtime-paths';
import { parseOptions } from '../args';
import type { CliIo } from '../io';
import { linuxMechanismReport } from '../../platform/linux/mechanism';
import { waylandReport } from '../../platform/linux/wayland/wayland-support';
import { x11Report } from '../../platform/linux/x11/x11-report';
import { defaultDataDir, historyFile } from '../../service/data-dir';
import { codeCacheDir } from '../code-cache';
import { electronBinaryPath } from '../electron-binary';

/** `safekill doctor`: what this installation will use, and whether it is all there. */
export async function doctorCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(argv, { json: { type: 'boolean' } });
  const report = {
    platform: process.platform,
    arch: process.arch,
    node: process.versions.node,
    ...runtimeReport(__dirname, () => require.resolve('koffi')),
    ...(process.platform === 'linux'
      ? {
          exitDetection: linuxMechanismReport(),
          x11: await x11Report(),
          wayland: await waylandReport(),
        }
      : {}),
    history: historyFile(defaultDataDir()),
    // Where the launcher keeps V8's code cache of the bundle (null: none, SAFEKILL_NO_CODE_CACHE=1).
    codeCache: codeCacheDir() ?? null,
    electron: electronBinaryPath(__dirname) ?? null,
  };
  const onWindows = report.platform === 'win32';
  if (values.json) {
    io.stdout.write(JSON.stringify(report) + '\n');
  } else {
    io.stdout.write(
      [
        `platform:       ${report.platform} ${report.arch}, Node ${report.node}`,
        `app root:       ${report.appRoot}${report.packaged ? ' (packaged)' : ''}`,
        `koffi:          ${report.koffiModule ?? 'NOT FOUND'}`,
        `koffi native:   ${report.koffiNative.dir}${report.koffiNative.present ? '' : ' (missing)'}`,
        ...(onWindows
          ? [
              `console helper: ${report.consoleHelper.path}${report.consoleHelper.present ? '' : ' (missing)'}`,
            ]
          : []),
        ...(report.exitDetection ? [`exit detection: ${report.exitDetection}`] : []),
        ...(report.x11
          ? [
              `x11 display:    ${report.x11.display ?? 'none (DISPLAY is not set)'}`,
              `x11 libraries:  libX11 ${report.x11.libX11}; XRes ${report.x11.xres}`,
              `window manager: ${report.x11.windowManager}`,
            ]
          : []),
        ...(report.wayland ? [`wayland:        ${report.wayland}`] : []),
        `history:        ${report.history}`,
        `code cache:     ${report.codeCache ?? 'off'}`,
        `electron:       ${report.electron ?? 'not installed (npm start fetches it, or serves the UI to a browser)'}`,
      ].join('\n') + '\n',
    );
  }
  return report.koffiModule && report.koffiNative.present ? 0 : 1;
}
