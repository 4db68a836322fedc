/** Every metric Pickup writes, in the order of the textfile, with its HELP text (docs/metrics.md describes each). */
export const METRICS: readonly { name: string; help: string }[] = [
  {
    name: 'pickup_command_success',
    help: 'Whether the last pickup <command> of this config succeeded (exit code 0): 1 or 0.',
  },
  { name: 'pickup_command_exit_code', help: 'Exit code of the last pickup <command> of this config.' },
  { name: 'pickup_command_duration_seconds', help: 'How long the last pickup <command> of this config took.' },
  { name: 'pickup_command_last_timestamp_seconds', help: 'When the last pickup <command> of this config ended.' },
  {
    name: 'pickup_command_last_success_timestamp_seconds',
    help: 'When the last successful pickup <command> of this config ended; 0: never.',
  },
  {
    name: 'pickup_run_outcome',
    help: "The last run's outcome: 1 for it (success, partial or failure), 0 for the others.",
  },
  {
    name: 'pickup_source_success',
    help: "Whether the source's last backup succeeded and was stored on at least one target: 1 or 0.",
  },
  {
    name: 'pickup_source_status',
    help: "The source's status in the last run: 1 for it (ok, partial or failed), 0 for the others.",
  },
  { name: 'pickup_source_last_timestamp_seconds', help: 'When the last run that backed up the source ended.' },
  {
    name: 'pickup_source_last_success_timestamp_seconds',
    help: 'When the last run that backed up the source and stored it ended; 0: never.',
  },
  { name: 'pickup_source_bytes', help: "Size of the source's files in its last backup." },
  { name: 'pickup_source_files', help: 'Number of files the source staged in its last backup.' },
  { name: 'pickup_source_duration_seconds', help: 'How long the last backup of the source took.' },
  { name: 'pickup_target_success', help: 'Whether the last run stored its backup on the target: 1 or 0.' },
  {
    name: 'pickup_target_status',
    help: "The target's status in the last run: 1 for it (ok, failed or skipped), 0 for the others.",
  },
  { name: 'pickup_target_last_timestamp_seconds', help: 'When the last run that pushed to the target ended.' },
  {
    name: 'pickup_target_last_success_timestamp_seconds',
    help: 'When the last run that stored its backup on the target ended; 0: never.',
  },
  { name: 'pickup_target_duration_seconds', help: 'How long the last push to the target took, retention included.' },
  { name: 'pickup_target_sent_bytes', help: 'Bytes the last push wrote to the target.' },
  {
    name: 'pickup_target_linked_bytes',
    help: 'Bytes the last push linked to the previous backup instead of writing them.',
  },
  {
    name: 'pickup_target_backups',
    help: 'Complete backups at the target, as the last run, prune or verify that listed it found them.',
  },
  {
    name: 'pickup_verify_success',
    help: 'Whether the last pickup verify found the backup at the target intact: 1 or 0.',
  },
  { name: 'pickup_verify_last_timestamp_seconds', help: 'When the last pickup verify of the target ended.' },
  {
    name: 'pickup_verify_last_success_timestamp_seconds',
    help: 'When the last pickup verify that found the backup at the target intact ended; 0: never.',
  },
  {
    name: 'pickup_drill_success',
    help: "Whether the last drill of the source's newest backup at the target came back as recorded: 1 or 0.",
  },
  { name: 'pickup_drill_last_timestamp_seconds', help: 'When the last drill of the source from the target ended.' },
  {
    name: 'pickup_drill_last_success_timestamp_seconds',
    help: 'When the last successful drill of the source from the target ended; 0: never.',
  },
  { name: 'pickup_drill_duration_seconds', help: 'How long the last drill of the source from the target took.' },
];
