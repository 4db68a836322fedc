import pLimit, { type LimitFunction } from 'p-limit';
import { ConfigError, messageOf } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { Plan, PlannedPlugin } from '../plugin/plan.js';
import type { HostBackups, Target } from '../plugin/types.js';
import { manifestDigest, type ListedBackup, type ListedHost, type ListedTarget } from '../report/fleet-build.js';
import { describePluginError, pluginContext } from '../runtime/context.js';
import { openDigestCache, type DigestCache } from './digest-cache.js';
import { readManifestWith } from './stored.js';

/** How many hosts are listed, and how many manifests read, at once at one store. */
const AT_ONCE = 4;

/**
 * Every host's backups at a target that several hosts share (`Target.hosts`), each complete backup with
 * its manifest's digest: read from the store once, then from the cache. Only reads. A store or host that
 * cannot be listed, and a manifest that cannot be read, are told in the result: the rest goes on.
 */
export async function listFleetTarget(
  plan: Plan,
  planned: PlannedPlugin<Target>,
  log: Logger,
  signal: AbortSignal,
): Promise<ListedTarget> {
  const where = planned.plugin.describe?.(planned.options, plan.resolvePath) ?? planned.package.name;
  const listed: ListedTarget = { name: planned.name, plugin: planned.package.name, where, hosts: [] };
  const context = pluginContext(plan, planned, log, signal);
  let hosts: HostBackups[];
  try {
    hosts = (await planned.plugin.hosts?.(context)) ?? [];
  } catch (error) {
    // Options that name no shared store are the config's mistake, not the store's: the report stops there.
    if ((error as { name?: unknown } | null)?.name === 'OptionError')
      throw new ConfigError(describePluginError(plan, planned, error));
    return { ...listed, error: describePluginError(plan, planned, error) };
  }
  const cache = await openDigestCache(JSON.stringify([plan.file, planned.name, planned.package.name, where]));
  const reads = pLimit(AT_ONCE);
  const lists = pLimit(AT_ONCE);
  const counts = { read: 0, cached: 0 };
  listed.hosts = await Promise.all(hosts.map((host) => lists(() => listHost(host, cache, reads, counts))));
  await cache.save();
  log.debug(
    `target ${planned.name}: ${hosts.length} host(s), manifests: ${counts.read} read, ${counts.cached} from the cache`,
  );
  return listed;
}

async function listHost(
  host: HostBackups,
  cache: DigestCache,
  reads: LimitFunction,
  counts: { read: number; cached: number },
): Promise<ListedHost> {
  const listed: ListedHost = { host: host.host, own: host.own, backups: [] };
  try {
    const entries = await host.list();
    listed.backups = await Promise.all(
      entries.map(async (entry): Promise<ListedBackup> => {
        const backup: ListedBackup = { id: entry.id, runId: entry.runId, complete: entry.complete };
        if (!entry.complete) return backup;
        const cached = cache.get(host.host, entry.id);
        if (cached) {
          counts.cached++;
          return { ...backup, digest: cached };
        }
        counts.read++;
        try {
          const manifest = await reads(() => readManifestWith((path) => host.read(entry.id, path), entry.id));
          const digest = manifestDigest(manifest);
          cache.set(host.host, entry.id, digest);
          return { ...backup, digest };
        } catch (error) {
          return { ...backup, damaged: messageOf(error) };
        }
      }),
    );
  } catch (error) {
    listed.error = messageOf(error);
    cache.keepHost(host.host); // what was read of it stays for the next report, which may list it again
  }
  return listed;
}
