// Plugin authors' API
export { z } from 'zod';
export { defineConfig, defineSource, defineTarget } from './plugin/define.js';
export {
  PLUGIN_API_VERSION,
  type Plugin,
  type PushResult,
  type PluginContext,
  type PluginKind,
  type Source,
  type SourceBackupContext,
  type RestoreFile,
  type RestoreLogin,
  type CredentialsAtRest,
  type SourceRestoreContext,
  type StagedRun,
  type StoredEntry,
  type Target,
  type TargetBackupContext,
  type TargetPushContext,
  type TargetReadContext,
} from './plugin/types.js';
export { writeTarGz, type TarGzOptions, type TarGzStats } from './archive/tar-gz.js';
export { walk, type WalkEntry, type WalkOptions } from './archive/walk.js';
export type { Logger } from './log/logger.js';

// The pipeline, as the CLI drives it
export { BackupLockedError, ConfigError, ExitCode, OptionError, PickupError, errnoCode, isLockedError, isPickupError, messageOf } from './errors.js';
export { CONFIG_FILE_NAMES, findConfigFile } from './config/find.js';
export { loadConfig, type LoadedConfig } from './config/load.js';
export { buildPlan, type Plan, type PlannedPlugin } from './config/plan.js';
export type { PickupConfig, ParsedConfig } from './config/schema.js';
export { candidatePackages, findPackage, installHint, type FoundPackage } from './plugin/resolve.js';
export { createLogger, type LoggerOptions, type PickupLogger } from './log/logger.js';
export { collectSecrets } from './log/redact.js';
export { checkPlan, type CheckResult } from './pipeline/check.js';
export { describePlanned } from './pipeline/context.js';
export { logDirOf, runBackup, type RunOptions, type RunReport } from './pipeline/run.js';
export { lockConfig, stagingRootOf, type ConfigLock } from './pipeline/config-lock.js';
export type { ProgressEvent, ProgressListener, ProgressUpdate } from './pipeline/progress.js';
export { exitMeaning, summarizeFailure, summarizeRun, summaryOf, SUMMARY_FORMAT, type RunSummary, type SourceSummary, type TargetSummary } from './report/summary.js';
export { formatSummary } from './report/format.js';
export { formatDuration, formatTable } from './report/table.js';
export { notifyEnd, notifyStart } from './notify/notify.js';
export { generateKeyPair } from './encryption/keys.js';
export { OUTCOMES, type Notifier, type Outcome } from './notify/schema.js';
export { makeRunId, isRunId, runIdTime } from './pipeline/run-id.js';
export { formatBytes } from './pipeline/format.js';
export {
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  describeFiles,
  manifestFiles,
  writeManifest,
  type Manifest,
  type ManifestFile,
  type ManifestSource,
  type SourceStatus,
} from './pipeline/manifest.js';
export { sha256File } from './pipeline/hash.js';
export { assertReadableFolder, exists, nearestExisting, probeWritable } from './fs/probe.js';
export { listInstalledPlugins, pluginKindOf, type InstalledPlugin } from './plugin/discover.js';
export { extractTarGz, type ExtractOptions, type ExtractStats } from './archive/extract.js';
export { applyRetention, retentionSchema, type RetentionDecision, type RetentionPolicy } from './lifecycle/retention.js';
export { parseDuration } from './lifecycle/duration.js';
export { findBackup, handleOf, selectTargets, targetHandle, type StoredBackup, type TargetHandle } from './lifecycle/stored.js';
export { planPrune, pruneTarget, type PrunePlan, type PruneResult } from './lifecycle/prune.js';
export { verifyBackup, type VerifyResult } from './lifecycle/verify.js';
export { parseManifest } from './lifecycle/manifest-check.js';
export { restoreBackup, type RestoreRequest } from './lifecycle/restore.js';
export { prepareRestoreFolder } from './lifecycle/destination.js';
export { archiveExtension, archiveOptions, problemHandler, warnIfEmpty, type ArchiveOptions } from './archive/options.js';
export { escapeName } from './archive/walk.js';
export { runTool, ToolError, type RunToolOptions } from './process/run-tool.js';
export { spawnTracked } from './process/children.js';
export { privateTempDir } from './process/temp-dir.js';
export { readSecretFile, SecretFileError, type SecretFileOptions } from './secrets/secret-file.js';
export { registerSecret } from './secrets/registry.js';
export { DEFAULT_RETRY_FOR, RetriesExhaustedError, withRetries, type RetryOptions } from './net/retry.js';
export { fromSafeFileName, safeFileName } from './fs/safe-name.js';
export { checkedBackupId, checkedBackupPath, PARTIAL_SUFFIX, runFolderEntry } from './lifecycle/run-folders.js';
