// The import rules of the monorepo and the layers of the core (docs/architecture.md draws them).
// Checked by `pnpm lint` (dependency-cruiser) in CI.

/**
 * The core's folders, bottom layer first. A folder may import its own files, the root files
 * (errors.ts, issues.ts) and the folders of the layers below its own; never a folder of its own layer
 * or of one above. The entries (index.ts, plugin.ts) may import anything.
 */
const CORE_LAYERS = [
  ['log', 'streams', 'fs'],
  ['net', 'process', 'secrets', 'archive'],
  ['model'],
  ['encryption', 'hooks'],
  ['config'],
  ['plugin'],
  ['runtime', 'report'],
  ['backups'],
  ['pipeline', 'lifecycle', 'notify'],
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

const PLUGINS = '^packages/(source|target)-[^/]+/';

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
      comment: "a package imports only what its package.json declares",
      severity: 'error',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'core-imports-no-plugin-nor-cli',
      comment: 'the core knows no plugin and no command line',
      severity: 'error',
      from: { path: '^packages/core/' },
      to: { path: '^packages/(cli|testkit|source-[^/]+|target-[^/]+)/' },
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
      comment: 'a plugin imports @pickup/core/plugin only (and @pickup/archive, and its own dependencies)',
      severity: 'error',
      from: { path: PLUGINS },
      to: { path: '^packages/(core|cli|testkit)/', pathNot: '^packages/core/(src/plugin\\.ts|dist/plugin\\.(js|d\\.ts))$' },
    },
    {
      name: 'plugins-import-no-other-plugin',
      comment: 'plugins never import each other',
      severity: 'error',
      from: { path: '^packages/((source|target)-[^/]+)/' },
      to: { path: PLUGINS, pathNot: '^packages/$1/' },
    },
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
