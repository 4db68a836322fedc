import {
  candidatePackages,
  installHint,
  collectSecrets,
  consoleLogger,
  ExitCode,
  findConfigFile,
  guard,
  isPickupError,
  listInstalledPlugins,
  loadConfig,
  type LoadedConfig,
  type PickupLogger,
} from '@pickup/core';
import type { GlobalArgs } from '../session.js';

/**
 * `pickup plugins`: every plugin installed where the config (or, without one, the working folder)
 * can import from, and which of them the config uses.
 */
export async function pluginsCommand(args: GlobalArgs): Promise<number> {
  const logger = await consoleLogger(args);
  const { log } = logger;
  const code = await guard(log, args.verbose ?? false, async () => {
    const loaded = await tryLoadConfig(args, logger);
    const from = loaded ? loaded.dir : process.cwd();
    const installed = listInstalledPlugins(from);
    const used = new Map<string, string[]>();
    for (const [list, kind] of [
      ['sources', 'source'],
      ['targets', 'target'],
    ] as const) {
      for (const entry of loaded?.config[list] ?? []) {
        const name = candidatePackages(kind, entry.use).find((candidate) =>
          installed.some((pkg) => pkg.name === candidate),
        );
        if (name) used.set(name, [...(used.get(name) ?? []), entry.name]);
        else
          log.warn(
            `${kind} ${entry.name}: plugin "${entry.use}" is not installed (${installHint(candidatePackages(kind, entry.use))})`,
          );
      }
    }
    if (installed.length === 0) log.info(`no pickup plugins installed where ${from} can import them`);
    for (const pkg of installed) {
      const users = used.get(pkg.name);
      log.info(`${pkg.name} ${pkg.version} (${pkg.kind}) at ${pkg.dir}${users ? `, used by ${users.join(', ')}` : ''}`);
    }
    return ExitCode.ok;
  });
  await logger.close();
  return code;
}

async function tryLoadConfig(args: GlobalArgs, logger: PickupLogger): Promise<LoadedConfig | undefined> {
  try {
    const loaded = await loadConfig(findConfigFile({ explicit: args.config }));
    logger.addSecrets(collectSecrets(loaded.config));
    return loaded;
  } catch (error) {
    // Without a config, list what is installed here; a config that is there but broken is an error.
    if (isPickupError(error) && error.message.startsWith('no config file')) return undefined;
    throw error;
  }
}
