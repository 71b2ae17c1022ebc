import { runtimeReport } from '../../runtime-paths';
import { parseOptions } from '../args';
import type { CliIo } from '../io';
import { linuxMechanismReport } from '../../platform/linux/mechanism';
import { waylandReport } from '../../platform/linux/wayland/wayland-support';

/** `safekill doctor`: what this installation will use, and whether it is all there. */
export async function doctorCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(argv, { json: { type: 'boolean' } });
  const report = {
    platform: process.platform,
    arch: process.arch,
    node: process.versions.node,
    ...runtimeReport(__dirname, () => require.resolve('koffi')),
    ...(process.platform === 'linux'
      ? { exitDetection: linuxMechanismReport(), wayland: await waylandReport() }
      : {}),
  };
  if (values.json) {
    io.stdout.write(JSON.stringify(report) + '\n');
  } else {
    io.stdout.write(
      [
        `platform:       ${report.platform} ${report.arch}, Node ${report.node}`,
        `app root:       ${report.appRoot}${report.packaged ? ' (packaged)' : ''}`,
        `koffi:          ${report.koffiModule ?? 'NOT FOUND'}`,
        `koffi native:   ${report.koffiNative.dir}${report.koffiNative.present ? '' : ' (missing)'}`,
        `console helper: ${report.consoleHelper.path}${report.consoleHelper.present ? '' : ' (missing; needed on Windows only)'}`,
        ...(report.exitDetection ? [`exit detection: ${report.exitDetection}`] : []),
        ...(report.wayland ? [`wayland:        ${report.wayland}`] : []),
      ].join('\n') + '\n',
    );
  }
  return report.koffiModule && report.koffiNative.present ? 0 : 1;
}
