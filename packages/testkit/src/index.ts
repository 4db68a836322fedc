export { describeSource } from './source-suite.js';
export type { SourceFixture, SourceSuite } from './source-fixture.js';
export { describeTarget, type TargetFixture, type TargetSuite } from './target-suite.js';
export { pathsUnder } from './contents.js';
export { awkwardRunFiles, stageRun, type StageRunOptions, type StagedContent } from './staged-run.js';
export {
  compareTrees,
  makeAwkwardTree,
  sha256,
  snapshotTree,
  writeRandomFile,
  type AwkwardTreeOptions,
  type CompareOptions,
  type TreeEntry,
  type TreeSnapshot,
} from './tree.js';
export { openHarness, type Harness } from './harness.js';
export type { Awaitable, FixtureBase } from './per-test.js';
