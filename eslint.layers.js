// The import rules between SafeKill's layers (README "Layout"), checked by eslint-plugin-boundaries.
import boundaries from 'eslint-plugin-boundaries';

const SOURCES = ['src-shared/**/*.ts', 'src-main/**/*.ts', 'src-renderer/**/*.{ts,tsx}'];
const element = (type) => ({ element: { type } });
const file = (category) => ({ file: { categories: category } });
const anyOf = (types) => ({ element: { types: { anyOf: types } } });
const core = { module: { origin: 'core' } };
const external = (source) => ({ module: { origin: 'external', ...(source && { source }) } });
const ours = { module: { origin: 'local' } };

/** The faces: each translates between its users and the service, and nothing else. */
const FACES = {
  cli: [element('cli')],
  bridge: [element('bridge')],
  electron: [element('ipc'), file('electron-entry')],
};
const allFaces = Object.values(FACES).flat();
const facesBut = (name) =>
  Object.entries(FACES).flatMap(([other, sel]) => (other === name ? [] : sel));

/** A policy: nothing matching `from` may import anything matching `to` (selectors OR'ed). */
const never = (from, to) => ({ from, disallow: { to } });
/** `from` may import only its own element and src-shared among our files (the later policy wins). */
const onlyShared = (from) => [
  never(element(from), ours),
  { from: element(from), allow: { to: anyOf(['shared', from]) } },
];

export const layers = [
  {
    files: SOURCES,
    plugins: { boundaries },
    settings: {
      'import/resolver': { node: { extensions: ['.ts', '.tsx', '.js', '.json'] } },
      // Each folder is one element (first match wins).
      'boundaries/elements': [
        { type: 'shared', pattern: 'src-shared', partialMatch: false },
        { type: 'engine', pattern: 'src-main/engine', partialMatch: false },
        { type: 'kill', pattern: 'src-main/kill', partialMatch: false },
        { type: 'platform', pattern: 'src-main/platform', partialMatch: false },
        { type: 'processes', pattern: 'src-main/processes', partialMatch: false },
        { type: 'service', pattern: 'src-main/service', partialMatch: false },
        { type: 'cli', pattern: 'src-main/cli', partialMatch: false },
        { type: 'bridge', pattern: 'src-main/bridge', partialMatch: false },
        { type: 'ipc', pattern: 'src-main/ipc', partialMatch: false },
        { type: 'renderer', pattern: 'src-renderer', partialMatch: false },
      ],
      // Loose files in src-main: the Electron entry (with the IPC folder, the Electron face) and
      // where SafeKill's own files are at run time (used by any layer of src-main but the engine).
      'boundaries/files': [
        { category: 'electron-entry', pattern: 'src-main/{main,preload,about}.ts' },
        { category: 'paths', pattern: 'src-main/runtime-paths.ts' },
      ],
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'allow',
          checkAllOrigins: true, // Node built-ins and packages too, not only our files.
          checkUnknownLocals: true, // The loose files in src-main have no element, only a category.
          policies: [
            // The contract: data and types only; nothing else of ours, no Node, no package but zod.
            ...onlyShared('shared'),
            never(element('shared'), [core, external()]),
            { from: element('shared'), allow: { to: external('zod') } },
            // The engine is pure: the contract and itself, no Node built-ins, no native code.
            ...onlyShared('engine'),
            never(element('engine'), [core, external('koffi')]),
            // A platform never reaches up to the service or a face.
            never(element('platform'), [element('service'), ...allFaces]),
            // Each face is thin and talks to the service, never to another face.
            ...Object.entries(FACES).map(([name, sel]) => never(sel, facesBut(name))),
            // The renderer reaches the service only through its client: src-shared, no Node.
            ...onlyShared('renderer'),
            never(element('renderer'), core),
            // Nothing in src-main imports the renderer; only the Electron face imports Electron.
            never(element('!renderer'), element('renderer')),
            never([element('!ipc'), file('paths')], external('electron')),
          ],
        },
      ],
    },
  },
  {
    // The renderer runs in a browser: Node's globals are not there (tsconfig.renderer.json agrees).
    files: ['src-renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-globals': [
        'error',
        ...['process', 'require', 'module', 'Buffer', '__dirname', '__filename', 'global'].map(
          (name) => ({ name, message: 'the renderer has no Node globals; ask the service' }),
        ),
      ],
    },
  },
];
