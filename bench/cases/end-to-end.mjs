// `pickup run` from a folder to a folder target, whole, at about 100 MB and 1 GB: time against the
// same work done by hand (tar -czf, cp, sync), and pickup's peak memory, which must not grow with the data.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const name = 'end-to-end';
export const title = 'pickup run, folder to folder target';

export async function run(ctx) {
  const rows = [];
  for (const [setName, label] of [
    ['mixedSmall', '~100 MB'],
    ['mixed', '~1 GB'],
  ]) {
    const data = await ctx.data(setName);
    const input = await ctx.bytesOf(data);
    const project = join(ctx.scratch, 'project');
    const config = join(project, 'pickup.config.json');
    const byHand = `tar --use-compress-program "gzip -${ctx.level}" -cf "$2/data.tar.gz" -C "$1" . && sha256sum "$2/data.tar.gz" > "$2/sums" && mkdir "$3" && cp "$2/data.tar.gz" "$2/sums" "$3/" && sync -f "$3"`;
    const [hand, pickup] = await ctx.compare([
      {
        label: 'tar -czf, sha256sum, cp, sync',
        prepare: async () => {
          await ctx.clean(join(ctx.scratch, 'hand'));
          await mkdir(join(ctx.scratch, 'hand/staging'), { recursive: true });
        },
        run: () =>
          ctx.measure('sh', [
            '-c',
            byHand,
            'sh',
            data,
            join(ctx.scratch, 'hand/staging'),
            join(ctx.scratch, 'hand/target'),
          ]),
      },
      {
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
        run: () => ctx.measure(process.execPath, [ctx.bin, '--quiet', '--config', config]),
      },
    ]);
    rows.push(
      { group: `${title}, ${label}`, ...hand, inputBytes: input, reference: true },
      { group: `${title}, ${label}`, ...pickup, inputBytes: input },
    );
  }
  return rows;
}
