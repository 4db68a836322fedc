import { join } from 'node:path';
import { DEFAULTS, PASSWORD_FILES, SSH_FILES, type Answers } from './answers.js';

/** What to do after `pickup init`, as lines to print: install, secrets, check, cron. */
export function nextSteps(answers: Answers, dir: string, packages: string[]): string[] {
  const steps: string[][] = [[`Install Pickup and its plugins (${packages.join(', ')}):`, `cd ${sh(dir)} && npm install`]];
  const passwordFile = (file: string, whose: string) =>
    steps.push([`Put the password of ${whose} on the first line of ${join(dir, file)}, mode 600:`, `chmod 600 ${sh(join(dir, file))}`]);
  if (answers.sources.includes('postgres')) passwordFile(PASSWORD_FILES.postgres, 'the PostgreSQL role backup (made as in the Pickup docs: docs/sources/postgres.md)');
  if (answers.sources.includes('mysql')) passwordFile(PASSWORD_FILES.mysql, 'the MySQL account backup (made as in the Pickup docs: docs/sources/mysql.md)');
  if (answers.target !== 'folder' && answers.targetHost === DEFAULTS.host) {
    steps.push([`Set the server in pickup.config.ts: ${DEFAULTS.host} is a placeholder (or run pickup init again with --force --target-host HOST).`]);
  }
  if (answers.target === 'ftp') passwordFile(PASSWORD_FILES.ftp, `the FTP user ${answers.targetUser} at ${answers.targetHost}`);
  if (answers.target === 'rsync') {
    const key = join(dir, SSH_FILES.identity);
    steps.push([
      `Make the ssh key ${key} (no passphrase; ssh-keygen makes it mode 600) and take the server's host key (check its fingerprint), then add ${key}.pub to ~${answers.targetUser}/.ssh/authorized_keys at ${answers.targetHost} (see the Pickup docs: docs/targets/rsync.md):`,
      `ssh-keygen -t ed25519 -N '' -f ${sh(key)}`,
      `ssh-keyscan ${answers.targetHost} >> ${sh(join(dir, SSH_FILES.knownHosts))}`,
    ]);
  }
  steps.push(['Check the config, the plugins and every source and target:', 'npx --no-install pickup check']);
  // In a crontab line a bare % ends the command.
  steps.push(['Run it every night at 02:15, from the crontab of a user who can read every source (crontab -e):', `15 2 * * * cd ${sh(dir).replaceAll('%', '\\%')} && npx --no-install pickup --quiet`]);
  return ['', 'Next steps:', ...steps.flatMap(([text, ...commands], index) => [`${index + 1}. ${text}`, ...commands.map((command) => `     ${command}`)])];
}

/** A word for the shell: as it is when it is safe, else single-quoted. */
export function sh(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}
