// `pickup run` from a folder to a folder target, whole, at about 100 MB and 1 GB: time against the
// same work done by hand (tar piped to pigz, sha256sum, cp, sync: the reference; and with tar -czf),
// and pickup's peak memory, which must not grow with the data.
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const name = 'end-to-end';
export const title = 'pickup run, folder to folder target';

/** The by-hand backup: archive into "$2", its sha256, a copy into "$3" synced to disk. */
function byHand(compress) {
  return `set -eo pipefail
${compress}
sha256sum "$2/data.tar.gz" > "$2/sums"
mkdir "$3"
cp "$2/data.tar.gz" "$2/sums" "$3/"
sync -f "$3"`;
}

/** How the folder target stored the last run, from its debug line in the project's log. */
async function howStored(project) {
  const log = await readFile(join(project, 'logs/current.log'), 'utf8').catch(() => '');
  const [, written, linked] =
    /(\d+) bytes written, \d+ linked to the previous backup, (\d+) linked from staging/.exec(log) ?? [];
  if (written === undefined) return undefined;
  const mb = (bytes) => `${(Number(bytes) / 2 ** 20).toFixed(1)} MB`;
  return `the target linked ${mb(linked)} from staging, copied ${mb(written)}`;
}

export async function run(ctx) {
  const hasPigz = !spawnSync('pigz', ['--version'], { stdio: 'ignore' }).error;
  if (!hasPigz) ctx.note(`${title}: the reference tar | pigz skipped: install pigz (apt-get install pigz)`);
  const rows = [];
  for (const [setName, label] of [
    ['mixedSmall', '~100 MB'],
    ['mixed', '~1 GB'],
  ]) {
    const data = await ctx.data(setName);
    const input = await ctx.bytesOf(data);
    const project = join(ctx.scratch, 'project');
    const config = join(project, 'pickup.config.json');
    const hand = (handLabel, compress) => ({
      label: handLabel,
      prepare: async () => {
        await ctx.clean(join(ctx.scratch, 'hand'));
        await mkdir(join(ctx.scratch, 'hand/staging'), { recursive: true });
      },
      run: () =>
        ctx.measure('bash', [
          '-c',
          byHand(compress),
          'bash',
          data,
          join(ctx.scratch, 'hand/staging'),
          join(ctx.scratch, 'hand/target'),
        ]),
    });
    const references = [
      ...(hasPigz
        ? [
            hand(
              `tar | pigz -${ctx.level}, sha256sum, cp, sync`,
              `tar -cf - -C "$1" . | pigz -${ctx.level} > "$2/data.tar.gz"`,
            ),
          ]
        : []),
      hand(
        'tar -czf, sha256sum, cp, sync',
        `tar --use-compress-program "gzip -${ctx.level}" -cf "$2/data.tar.gz" -C "$1" .`,
      ),
    ];
    const results = await ctx.compare([
      ...references,
      ...ctx.perNode({
        label: 'pickup run',
        prepare: async () => {
          await ctx.clean(project);
          await mkdir(project, { recursive: true });
          const sources = [{ name: 'data', use: 'folder', with: { path: data, gzipLevel: ctx.level } }];
          const targets = [{ name: 'disk', use: 'folder', with: { path: './backups', createPath: true } }];
          await writeFile(
            config,
            JSON.stringify({ sources, targets, staging: join(ctx.scratch, 'staging'), log: { dir: './logs' } }),
          );
          await ctx.linkPlugins(project);
        },
        run: (node) => ctx.measure(node, [ctx.bin, '--quiet', '--config', config]),
      }),
    ]);
    const note = await howStored(project);
    // The first by-hand row (pigz, where installed) is the reference of the ratios.
    rows.push(
      ...results.map((result, index) => ({
        group: `${title}, ${label}`,
        ...result,
        inputBytes: input,
        ...(index === 0 ? { reference: true } : {}),
        ...(result.node && note ? { note } : {}),
      })),
    );
  }
  return rows;
}
