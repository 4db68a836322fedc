// `@pickup/core`: what plugins get (`@pickup/core/plugin`), and the pipeline as the command line and the
// testkit drive it. Plugins import `@pickup/core/plugin` only.
export * from './plugin.js';
export { defineConfig } from './plugin/define.js';
/** The pipeline's logger (pino); plugins are given the smaller `PluginLogger`. */
export type { Logger } from './log/logger.js';
export type { PluginLogger } from './log/plugin-logger.js';

// The pieces the commands are made of: for the testkit, and programs that need more than a command
export { ConfigError, isLockedError, isPickupError } from './errors.js';
export { CONFIG_FILE_NAMES, findConfigFile } from './config/find.js';
export type { LoadedConfig } from './config/load.js';
export { buildPlan, loadConfig, type Plan, type PlannedPlugin } from './plugin/plan.js';
export type { PickupConfig, ParsedConfig } from './config/schema.js';
export { ENTRY_NAME } from './config/schema.js';
export { loadPlugin, type LoadedPlugin } from './plugin/load.js';
export { candidatePackages, findPackage, installHint, type FoundPackage } from './plugin/resolve.js';
export { createLogger, type LoggerOptions, type PickupLogger } from './log/logger.js';
export { collectSecrets } from './log/redact.js';
export { registerSecret } from './log/secret-registry.js';
export { checkPlan, type CheckResult } from './commands/check.js';

// The commands, in-process: what `pickup <command>` does, for the CLI, programs and tests
export { consoleLogger, guard, openConfig, openPlan, withPlan, type CommandOptions } from './commands/session.js';
export { pickupRun, type RunRequest, type RunResult } from './commands/run.js';
export { pickupCheck, pickupDryRun } from './commands/check.js';
export { pickupList, type ListedTarget, type ListResult } from './commands/list.js';
export { pickupPrune, type PruneRequest } from './commands/prune.js';
export { pickupVerify, type VerifyRequest } from './commands/verify.js';
export { pickupRestore, type RestoreCommandRequest } from './commands/restore.js';
export { pickupDrill, type DrillCommandRequest, type DrillResult } from './commands/drill.js';
export {
  DRILL_SUMMARY_FORMAT,
  drillExitMeaning,
  type DrillSummary,
  type SourceDrillResult,
} from './report/drill-summary.js';
export { formatDrillSummary } from './report/drill-format.js';
export { pickupReport, type ReportRequest, type ReportResult } from './commands/report.js';
export { formatFleetReport } from './report/fleet-format.js';
export { buildFleetReport, reportExitMeaning } from './report/fleet-build.js';
export { renderFleetHtml } from './report/fleet-html.js';
export {
  FLEET_REPORT_FORMAT,
  type BackupReport,
  type BackupState,
  type DrillReport,
  type FleetReport,
  type HostReport,
  type TargetReport,
} from './report/fleet-report.js';
export { describePlanned } from './runtime/context.js';
export { logDirOf, runBackup, type RunOptions, type RunReport } from './pipeline/run.js';
export { lockConfig, stagingRootOf, type ConfigLock } from './runtime/config-lock.js';
export type { ProgressEvent, ProgressListener } from './model/progress.js';
export {
  exitMeaning,
  summarizeFailure,
  summarizeRun,
  summaryOf,
  SUMMARY_FORMAT,
  type RunSummary,
  type SourceSummary,
  type TargetSummary,
} from './report/summary.js';
export { formatSummary } from './report/format.js';
export { formatDuration, formatTable } from './report/table.js';
export { notifyEnd, notifyStart } from './notify/notify.js';
export { recordDrillMetrics, recordRunMetrics } from './metrics/record.js';
export { generateKeyPair } from './encryption/keys.js';
export {
  DRILL_EVENTS,
  OUTCOMES,
  type DrillEvent,
  type Notifier,
  type NotifyEvent,
  type Outcome,
} from './config/notify-schema.js';
export { makeRunId, runIdTime } from './model/run-id.js';
export { formatBytes } from './model/format.js';
export { describeFiles, manifestFiles, writeManifest } from './model/manifest.js';
export { listInstalledPlugins, pluginKindOf, type InstalledPlugin } from './plugin/discover.js';
export { applyRetention, retentionSchema, type RetentionDecision, type RetentionPolicy } from './model/retention.js';
export { parseDuration } from './model/duration.js';
export {
  findBackup,
  handleOf,
  selectTargets,
  targetHandle,
  type StoredBackup,
  type TargetHandle,
} from './backups/stored.js';
export { planPrune, pruneTarget, type PrunePlan, type PruneResult } from './backups/prune.js';
export { verifyBackup, type VerifyResult } from './lifecycle/verify.js';
export { restoreBackup, type RestoreRequest } from './lifecycle/restore.js';
