import { join } from 'node:path';
import type { InitFile } from '@pickup/core';
import { DEFAULTS, type Answers } from './answers.js';
import { asks } from './plugins.js';
import { filesOf, sourceEntries, targetEntry } from './render-config.js';

/**
 * What to do after `pickup init`, as lines to print: install (unless `installed`: init ran npm install),
 * the files the plugins need, check, cron.
 */
export function nextSteps(answers: Answers, dir: string, packages: string[], installed: boolean): string[] {
  const steps: string[][] = [];
  if (!installed)
    steps.push([`Install Pickup and its plugins (${packages.join(', ')}):`, `cd ${sh(dir)} && npm install`]);
  steps.push(...fileSteps(sourceEntries(answers).flatMap(filesOf), dir));
  if (asks(answers.target, 'server') && answers.targetHost === DEFAULTS.host) {
    steps.push([
      `Set the server in pickup.config.ts: ${DEFAULTS.host} is a placeholder (or run pickup init again with --force --target-host HOST).`,
    ]);
  }
  steps.push(...fileSteps(filesOf(targetEntry(answers)), dir));
  steps.push(['Check the config, the plugins and every source and target:', 'npx --no-install pickup check']);
  // In a crontab line a bare % ends the command.
  steps.push([
    'Run it every night at 02:15, from the crontab of a user who can read every source (crontab -e):',
    `15 2 * * * cd ${sh(dir).replaceAll('%', '\\%')} && npx --no-install pickup --quiet`,
  ]);
  return [
    '',
    'Next steps:',
    ...steps.flatMap(([text, ...commands], index) => [
      `${index + 1}. ${text}`,
      ...commands.map((command) => `     ${command}`),
    ]),
  ];
}

/** A step for each file to make (an ssh key and the host keys of the same plugin in one), each file once. */
function fileSteps(files: readonly InitFile[], dir: string): string[][] {
  const unique = [...new Map(files.map((file) => [file.name, file])).values()];
  const path = (file: InitFile) => join(dir, file.name);
  const hostKeys = unique.find((file) => file.kind === 'known-hosts');
  const key = unique.find((file) => file.kind === 'ssh-key');
  return unique.flatMap((file): string[][] => {
    if (file.kind === 'secret')
      return [[`Put ${file.holds} on the first line of ${path(file)}, mode 600:`, `chmod 600 ${sh(path(file))}`]];
    if (file.kind === 'ssh-key') {
      const take = hostKeys ? " and take the server's host key (check its fingerprint)" : '';
      return [
        [
          `Make the ssh key ${path(file)} (no passphrase; ssh-keygen makes it mode 600)${take}, then add ${path(file)}.pub to ${file.authorizeAt}:`,
          `ssh-keygen -t ed25519 -N '' -f ${sh(path(file))}`,
          ...(hostKeys ? [`ssh-keyscan ${sh(hostKeys.host)} >> ${sh(path(hostKeys))}`] : []),
        ],
      ];
    }
    // The host keys go with the ssh key's step when there is one.
    if (file.kind === 'known-hosts' && !key) {
      return [
        [
          `Take the host key of ${file.host} (check its fingerprint):`,
          `ssh-keyscan ${sh(file.host)} >> ${sh(path(file))}`,
        ],
      ];
    }
    return [];
  });
}

/** A word for the shell: as it is when it is safe, else single-quoted. */
export function sh(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}
