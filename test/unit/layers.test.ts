import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');

// Each probe breaks one layer rule (README "Layout"). It is linted as if it lived at `file`,
// without being written into the tree, so a failed run leaves nothing behind.
const PROBES: { rule: string; file: string; code: string; error: RegExp }[] = [
  {
    rule: 'the engine imports no Node built-in',
    file: 'src-main/engine/probe.ts',
    code: "import fs from 'fs';\nexport const probe = fs;\n",
    error: /origin "core" are not allowed in elements of type "engine"/,
  },
  {
    rule: 'the engine imports only src-shared',
    file: 'src-main/engine/probe.ts',
    code: "import { currentPlatform } from '../platform/current';\nexport const probe = currentPlatform;\n",
    error: /not allowed in elements of type "engine"/,
  },
  {
    rule: 'a face imports no other face (cli → bridge)',
    file: 'src-main/cli/probe.ts',
    code: "import { startBridge } from '../bridge/bridge-server';\nexport const probe = startBridge;\n",
    error: /type "bridge" are not allowed in elements of type "cli"/,
  },
  {
    rule: 'a face imports no other face (Electron entry → cli)',
    file: 'src-main/main.ts',
    code: "import { runCli } from './cli/main';\nexport const probe = runCli;\n",
    error: /type "cli" are not allowed in file of category "electron-entry"/,
  },
  {
    rule: 'the renderer reads no process.env',
    file: 'src-renderer/probe.ts',
    code: 'export const probe = process.env.HOME;\n',
    error: /Unexpected use of 'process'/,
  },
  {
    rule: 'the renderer imports only src-shared',
    file: 'src-renderer/probe.ts',
    code: "import type { Service } from '../src-main/service/service';\nexport type Probe = Service;\n",
    error: /not allowed in elements of type "renderer"/,
  },
  {
    rule: 'src-shared imports nothing else of ours',
    file: 'src-shared/probe.ts',
    code: "import { killTargets } from '../src-main/kill/kill-targets';\nexport const probe = killTargets;\n",
    error: /not allowed in elements of type "shared"/,
  },
  {
    rule: 'src-shared imports no package but zod',
    file: 'src-shared/probe.ts',
    code: "import { useState } from 'react';\nexport const probe = useState;\n",
    error: /origin "external" are not allowed in elements of type "shared"/,
  },
  {
    rule: 'a platform imports no service',
    file: 'src-main/platform/probe.ts',
    code: "import type { Service } from '../service/service';\nexport type Probe = Service;\n",
    error: /type "service" are not allowed in elements of type "platform"/,
  },
  {
    rule: 'only the Electron face imports electron',
    file: 'src-main/service/probe.ts',
    code: "import { app } from 'electron';\nexport const probe = app;\n",
    error: /module source "electron"/,
  },
  {
    rule: 'nothing in src-main imports the renderer',
    file: 'src-main/bridge/probe.ts',
    code: "import { viewRows } from '../../src-renderer/state/table-model';\nexport const probe = viewRows;\n",
    error: /type "renderer" are not allowed in elements of type "bridge"/,
  },
];

describe('the layer rules', () => {
  const eslint = new ESLint({ cwd: ROOT });

  it.each(PROBES)('lint refuses a probe that breaks: $rule', async ({ file, code, error }) => {
    const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
    const messages = result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
    expect(
      messages.some((m) => error.test(m)),
      messages.join('\n'),
    ).toBe(true);
  });

  it('lets the allowed arrows through (engine → src-shared, cli → service)', async () => {
    const ok = [
      ['src-main/engine/probe.ts', "export type { Strategy } from '../../src-shared/kill';\n"],
      ['src-main/cli/probe.ts', "export type { Service } from '../service/service';\n"],
      ['src-shared/probe.ts', "export { z } from 'zod';\n"],
    ];
    for (const [file, code] of ok) {
      const [result] = await eslint.lintText(code!, { filePath: path.join(ROOT, file!) });
      expect(result!.messages.map((m) => m.message)).toEqual([]);
    }
  });
});

/** Type errors of `code` checked alone under one runtime's tsconfig (written to a temp dir). */
function typeErrors(tsconfig: string, code: string): string[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'safekill-layer-probe-'));
  try {
    const file = path.join(dir, 'probe.ts');
    writeFileSync(file, code);
    const { config } = ts.readConfigFile(path.join(ROOT, tsconfig), (f) => ts.sys.readFile(f));
    const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
    const program = ts.createProgram([file], options);
    return ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('one tsconfig per runtime', () => {
  it.each([
    ['tsconfig.renderer.json', 'process.env.HOME', /Cannot find name 'process'/],
    ['tsconfig.shared.json', 'process.pid', /Cannot find name 'process'/],
    ['tsconfig.shared.json', 'document.title', /Cannot find name 'document'/],
    ['tsconfig.main.json', 'document.title', /Cannot find name 'document'/],
  ])('%s refuses %s', (tsconfig, expr, error) => {
    const errors = typeErrors(tsconfig, `export const probe = ${expr};\n`);
    expect(
      errors.some((e) => error.test(e)),
      errors.join('\n'),
    ).toBe(true);
  });

  it.each([
    ['tsconfig.renderer.json', 'document.title'],
    ['tsconfig.main.json', 'process.pid'],
    ['tsconfig.shared.json', '[1, 2].at(-1)'],
  ])('%s accepts %s', (tsconfig, expr) => {
    expect(typeErrors(tsconfig, `export const probe = ${expr};\n`)).toEqual([]);
  });
});
