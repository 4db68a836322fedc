// The targets against the standard tools moving the same staged files: the ftp target against
// `curl -T` to the same vsftpd, the folder target against `cp -r` and `sync`.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const name = 'transfer';
export const title = 'targets vs curl -T and cp';
export const needsServers = true;

export async function run(ctx) {
  const data = await ctx.data('transfer');
  const run = await ctx.stagedRun(data);
  const input = await ctx.bytesOf(data);
  const rows = [];

  const ftp = ctx.servers.ftp;
  const remote = 'pickup-bench';
  const netrc = join(ctx.scratch, 'netrc');
  const password = join(ctx.scratch, 'ftp-password');
  await writeFile(netrc, `machine ${ftp.host} login ${ftp.user} password ${ftp.password}\n`, { mode: 0o600 });
  await writeFile(password, `${ftp.password}\n`, { mode: 0o600 });
  const clearServer = () => rm(join(ftp.home, remote), { recursive: true, force: true });
  const url = `ftp://${ftp.host}:${ftp.port}/${remote}/curl/`;
  const curlEach = `for f in "$@"; do curl -sS --netrc-file "${netrc}" --ftp-create-dirs -T "$f" "${url}\${f#${run.dir}/}" || exit 1; done`;
  const ftpOptions = {
    host: ftp.host,
    port: ftp.port,
    user: ftp.user,
    passwordFile: password,
    path: `${remote}/pickup`,
  };
  const [curl, ftpTarget] = await ctx.compare([
    {
      label: 'curl -T, file by file',
      prepare: clearServer,
      run: () => ctx.measure('sh', ['-c', curlEach, 'sh', ...run.paths]),
    },
    {
      label: 'pickup ftp target',
      prepare: clearServer,
      run: () =>
        ctx.node('lib/target-push.mjs', [join(ctx.repo, 'packages/target-ftp'), JSON.stringify(ftpOptions), run.dir]),
    },
  ]);
  await clearServer();
  rows.push(
    { group: `${title}: ftp to vsftpd`, ...curl, inputBytes: input, reference: true },
    { group: `${title}: ftp to vsftpd`, ...ftpTarget, inputBytes: input },
  );

  const copies = join(ctx.scratch, 'copies');
  const folderOptions = { path: copies, createPath: true };
  const [cp, folderTarget] = await ctx.compare([
    {
      label: 'cp -r, sync',
      prepare: () => ctx.clean(copies),
      run: () => ctx.measure('sh', ['-c', 'mkdir -p "$2" && cp -rL "$1" "$2/" && sync -f "$2"', 'sh', run.dir, copies]),
    },
    {
      label: 'pickup folder target',
      prepare: () => ctx.clean(copies),
      run: () =>
        ctx.node('lib/target-push.mjs', [
          join(ctx.repo, 'packages/target-folder'),
          JSON.stringify(folderOptions),
          run.dir,
        ]),
    },
  ]);
  rows.push(
    { group: `${title}: folder`, ...cp, inputBytes: input, reference: true },
    { group: `${title}: folder`, ...folderTarget, inputBytes: input },
  );
  return rows;
}
