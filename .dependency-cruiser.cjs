// The import rules of the monorepo and the layers of the core (docs/architecture.md draws them).
// Checked by `pnpm lint` (dependency-cruiser) in CI.

/**
 * The core's folders, bottom layer first. A folder may import its own files, the root file errors.ts
 * and the folders of the layers below its own; never a folder of its own layer or of one above. The
 * entries (index.ts, plugin.ts) may import anything, and nothing imports them.
 */
const CORE_LAYERS = [
  ['log', 'streams', 'fs', 'validation'],
  ['net', 'process', 'secrets'],
  ['model'],
  ['encryption', 'hooks'],
  ['config'],
  ['plugin'],
  ['runtime', 'report'],
  ['backups'],
  ['pipeline', 'lifecycle', 'notify', 'metrics'],
  ['commands'],
];

const CORE = '^packages/core/src/';
const layerRules = CORE_LAYERS.flatMap((layer, index) => {
  const above = CORE_LAYERS.slice(index + 1).flat();
  return layer.map((folder) => ({
    name: `core-layer-${folder}`,
    comment: `core/${folder} imports only the folders of the layers below it (docs/architecture.md)`,
    severity: 'error',
    from: { path: `${CORE}${folder}/` },
    to: { path: `${CORE}(${[...layer.filter((peer) => peer !== folder), ...above].join('|')})/` },
  }));
});

const CORE_FOLDERS = [...CORE_LAYERS.flat(), 'types'];
const coreRules = [
  {
    name: 'core-root-files-import-no-folder',
    comment: 'errors.ts is the bottom of the core: it imports no folder of it',
    severity: 'error',
    from: { path: `${CORE}[^/]+\\.ts$`, pathNot: `${CORE}(index|plugin)\\.ts$` },
    to: { path: `${CORE}[^/]+/` },
  },
  {
    name: 'core-entries-imported-by-none',
    comment: 'index.ts and plugin.ts are what others import; no file of the core imports them (index.ts has plugin.ts)',
    severity: 'error',
    from: { path: CORE, pathNot: `${CORE}index\\.ts$` },
    to: { path: `${CORE}(index|plugin)\\.ts$` },
  },
  {
    name: 'core-folders-are-layers',
    comment: 'every folder of the core has its place in CORE_LAYERS (.dependency-cruiser.cjs, docs/architecture.md)',
    severity: 'error',
    from: { path: `${CORE}[^/]+/`, pathNot: `${CORE}(${CORE_FOLDERS.join('|')})/` },
    to: {},
  },
];

const PLUGINS = '^(packages/(source|target)-[^/]+|examples/[^/]+)/';
/** Plugins and @pickup/archive, the library of the folder sources: they build on the plugin entry only. */
const ON_PLUGIN_API = '^(packages/((source|target)-[^/]+|archive)|examples/[^/]+)/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'no file imports itself through others',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-unresolvable',
      comment: 'every import resolves: a package is imported only where it is a declared dependency',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-undeclared-dependency',
      comment: 'a package imports only what its package.json declares',
      severity: 'error',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'core-imports-no-plugin-nor-cli',
      comment: 'the core knows no plugin, no library of plugins (@pickup/archive) and no command line',
      severity: 'error',
      from: { path: '^packages/core/' },
      to: { path: '^packages/(archive|cli|testkit|source-[^/]+|target-[^/]+)/' },
    },
    {
      name: 'cli-imports-no-plugin',
      comment: 'the command line finds plugins through the core, by package name',
      severity: 'error',
      from: { path: '^packages/cli/' },
      to: { path: PLUGINS },
    },
    {
      name: 'plugins-import-only-the-plugin-entry',
      comment:
        'plugins and @pickup/archive import of the core only @pickup/core/plugin (plugins may import @pickup/archive)',
      severity: 'error',
      from: { path: ON_PLUGIN_API },
      to: {
        path: '^packages/(core|cli|testkit)/',
        pathNot: '^packages/core/(src/plugin\\.ts|dist/plugin\\.(js|d\\.ts))$',
      },
    },
    {
      name: 'plugins-import-no-other-plugin',
      comment: 'plugins never import each other',
      severity: 'error',
      from: { path: '^(packages/(source|target)-[^/]+|examples/[^/]+)/' },
      to: { path: PLUGINS, pathNot: '^$1/' },
    },
    {
      name: 'archive-imports-no-plugin',
      comment: '@pickup/archive serves plugins and knows none of them',
      severity: 'error',
      from: { path: '^packages/archive/' },
      to: { path: PLUGINS },
    },
    ...coreRules,
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: ['node_modules', '/dist/'] },
    exclude: { path: ['/test/', '/dist/.*\\.map$'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    combinedDependencies: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'types', 'default'] },
  },
};
