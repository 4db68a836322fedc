import { z } from 'zod';
import { encryptionSchema } from '../encryption/schema.js';
import { hooksSchema } from '../hooks/schema.js';
import { retentionSchema } from '../model/retention.js';
import { notifySchema } from './notify-schema.js';

/** What a source or target may be called: names become folder names in the staging area and at targets, so they stay portable. */
export const ENTRY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const entryName = z
  .string()
  .regex(ENTRY_NAME, 'use letters, digits, ".", "_" or "-" (at most 64, not starting with "." or "-")');

const pluginEntry = z
  .object({
    /** What the config calls it: `www`, `db`, `nas`. A source's name is its folder in the backup. */
    name: entryName.refine(
      (name) => name !== 'manifest.json',
      "manifest.json is the name of the backup's manifest; choose another",
    ),
    /** The plugin: a short name (`folder`) or a package name (`pickup-source-redis`, `@acme/pickup-target-s3`). */
    use: z.string().min(1, 'name a plugin package'),
    /** The plugin's options, checked by the plugin's own schema. */
    with: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

const size = z.union([z.number().int().positive(), z.string().regex(/^\d+[kmg]?$/i, 'a size like 10m, 500k or 1g')]);

const sourceEntry = pluginEntry
  .extend({
    /** Commands run before and after this source's backup. */
    hooks: hooksSchema.optional(),
    /** How `pickup drill` restores this source: as which user of the database (`pickup restore --as`). */
    drill: z
      .object({
        /** The user that creates, fills and drops the scratch database (it needs CREATEDB or CREATE rights). */
        as: z.string().min(1),
        /** A file holding that user's password; none: the client's own ways (a socket, ~/.pgpass, ~/.my.cnf). */
        passwordFile: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const targetEntry = pluginEntry
  .extend({
    /** Which backups to keep at this target; none: keep all. */
    retention: retentionSchema.optional(),
  })
  .strict();

export const configSchema = z
  .object({
    /** Editors' JSON schema hint in a .json config; ignored. */
    $schema: z.string().optional(),
    sources: z.array(sourceEntry).min(1, 'list at least one source'),
    targets: z.array(targetEntry).min(1, 'list at least one target'),
    /** Folder under which each run gets its private staging folder. Default: the OS temp folder. */
    staging: z.string().min(1).optional(),
    /** Commands run before and after the whole run. */
    hooks: hooksSchema.optional(),
    /** Encrypt every file a run pushes (age), to recipients or with a passphrase. */
    encryption: encryptionSchema.optional(),
    /** Who to tell how a run went: webhooks, dead-man's-switch pings, mail. */
    notify: notifySchema,
    /** What `pickup drill` decrypts an encrypted backup with (none: it checks such a backup's checksums only). */
    drill: z
      .object({
        /** The age identity file (private key) of one of the recipients. */
        identityFile: z.string().min(1).optional(),
        /** ...or the file holding the passphrase. */
        passphraseFile: z.string().min(1).optional(),
      })
      .strict()
      .refine((drill) => !(drill.identityFile && drill.passphraseFile), 'give identityFile or passphraseFile, not both')
      .optional(),
    /** Prometheus metrics of every run, drill, prune and verify (docs/metrics.md). */
    metrics: z
      .object({
        /** The file node_exporter's textfile collector reads: `<its folder>/pickup.prom`. */
        textfile: z
          .string()
          .min(1)
          .refine(
            (path) => path.endsWith('.prom') && !path.endsWith('/.prom'),
            "must be a file name ending in .prom (node_exporter reads only those), e.g. '/var/lib/prometheus/node-exporter/pickup.prom'",
          ),
      })
      .strict()
      .optional(),
    /** How many sources back up at the same time. */
    concurrency: z.number().int().positive().default(1),
    log: z
      .object({
        /** Folder of the debug log file. Default: `logs` beside the config file. */
        dir: z.string().min(1).optional(),
        /** Size at which the log file rolls over. */
        maxSize: size.default('10m'),
        /** How many rolled log files to keep. */
        maxFiles: z.number().int().positive().default(5),
      })
      .strict()
      .default({ maxSize: '10m', maxFiles: 5 }),
  })
  .strict();

/** A config as the user writes it. */
export type PickupConfig = z.input<typeof configSchema>;
/** A config after validation, with defaults filled in. */
export type ParsedConfig = z.output<typeof configSchema>;
export type PluginEntry = ParsedConfig['sources'][number];
export type TargetEntry = ParsedConfig['targets'][number];
