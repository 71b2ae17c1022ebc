import path from 'node:path';

/** What the About panel shows (Help → About on Linux and Windows). Plain data, tested as such. */
export function aboutPanelOptions(version: string, distDir: string) {
  return {
    applicationName: 'SafeKill',
    applicationVersion: version,
    version,
    copyright: 'Copyright © 2026 The SafeKill authors. MIT License.',
    credits:
      'Ends programs gracefully: a polite request first, a visible grace period, force last.',
    website: 'https://github.com/safekill/safekill',
    iconPath: path.join(path.dirname(distDir), 'assets', 'icon.png'),
  };
}
