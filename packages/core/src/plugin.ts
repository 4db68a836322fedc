/**
 * `@pickup/core/plugin`: everything a source or target plugin needs, and nothing of the pipeline or the
 * command line. Plugins import this entry only; what it exports is the plugin API of
 * PLUGIN_API_VERSION (see docs/writing-plugins.md), and its report (packages/core/api/plugin.api.md)
 * shows every change of it in review.
 */

// Declaring a plugin
export { z } from 'zod';
export { defineSource, defineTarget, type SourceDefinition, type TargetDefinition } from './plugin/define.js';
export {
  PLUGIN_API_VERSION,
  type BackupResult,
  type CredentialsAtRest,
  type HostBackups,
  type OptionsSchema,
  type Plugin,
  type PluginContext,
  type PluginKind,
  type PushResult,
  type RestoreFile,
  type RestoreLogin,
  type Source,
  type SourceBackupContext,
  type SourceDrill,
  type SourceDrillContext,
  type SourceRestoreContext,
  type SourceScratchContext,
  type StagedRun,
  type StoredEntry,
  type Target,
  type TargetBackupContext,
  type TargetPushContext,
  type TargetReadContext,
} from './plugin/types.js';
export type {
  InitAnswers,
  InitFile,
  InitOption,
  InitQuestion,
  InitTemplate,
  InitValue,
} from './plugin/init-template.js';
export type { PluginLogger as Logger } from './log/plugin-logger.js';
export type { ProgressUpdate } from './model/progress.js';
export type {
  Manifest,
  ManifestEncryption,
  ManifestFile,
  ManifestSource,
  SourceFacts,
  SourceStatus,
} from './model/manifest.js';

// Errors a plugin throws, or is given
export { BackupLockedError, ExitCode, OptionError, PickupError, errnoCode, messageOf } from './errors.js';

// Running programs, secrets, temp files, retries
export { runTool, ToolError, type RunToolOptions } from './process/run-tool.js';
export { spawnTracked } from './process/children.js';
export { privateTempDir } from './process/temp-dir.js';
export { readSecretFile, SecretFileError, type SecretFileOptions } from './secrets/secret-file.js';
export { DEFAULT_RETRY_FOR, RetriesExhaustedError, withRetries, type RetryOptions } from './net/retry.js';

// Files and names
export { assertReadableFolder, exists, nearestExisting, probeWritable } from './fs/probe.js';
export { fromSafeFileName, safeFileName } from './fs/safe-name.js';
export { prepareRestoreFolder } from './fs/destination.js';
export { hashingStream, rememberDigest, sha256File } from './streams/hash.js';
export { createDeterministicGzip } from './streams/gzip.js';
export { fileRangeStream, sha256OfRange, type FileRange } from './streams/file-range.js';

// Database sources: which databases to dump, which one to restore
export {
  checkDatabasesExist,
  databasesToDump,
  databaseToRestore,
  type DatabaseSelection,
  type DatabasesToDumpOptions,
  type OtherPart,
} from './plugin/select.js';

// The layout of backups at a target
export { MANIFEST_FILE, MANIFEST_FORMAT } from './model/manifest.js';
export { isRunId } from './model/run-id.js';
export { checkedBackupId, checkedBackupPath, PARTIAL_SUFFIX, runFolderEntry } from './plugin/run-folders.js';
export { parseManifest } from './model/manifest-check.js';
