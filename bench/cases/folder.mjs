// The folder source against `tar -czf` at the same gzip level, on the mixed tree and on 100,000 small files.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { stagedBytes } from '../lib/staged.mjs';

export const name = 'folder';
export const title = 'folder source vs tar -czf';

export async function run(ctx) {
  const rows = [];
  for (const [setName, label] of [
    ['mixed', 'mixed tree'],
    ['manyFiles', '100,000 small files'],
  ]) {
    const data = await ctx.data(setName);
    const input = await ctx.bytesOf(data);
    const tarOut = join(ctx.scratch, 'tar.tar.gz');
    const stage = join(ctx.scratch, 'stage');
    const source = (pickupLabel, options) =>
      ctx.perNode({
        label: pickupLabel,
        prepare: () => ctx.clean(stage),
        run: (node) =>
          ctx.node(
            'lib/source-stage.mjs',
            [join(ctx.repo, 'packages/source-folder'), JSON.stringify({ path: data, ...options }), stage],
            node,
          ),
      });
    const [tar, ...pickup] = await ctx.compare([
      {
        label: `tar -czf (gzip -${ctx.level})`,
        prepare: () => ctx.clean(tarOut),
        run: () => ctx.measure('tar', ['--use-compress-program', `gzip -${ctx.level}`, '-cf', tarOut, '-C', data, '.']),
      },
      ...source(`pickup folder source (gzipLevel ${ctx.level})`, { gzipLevel: ctx.level }),
      ...source('pickup folder source (compression zstd)', { compression: 'zstd' }),
    ]);
    const group = `${title}, ${label}`;
    rows.push(
      { group, ...tar, inputBytes: input, outputBytes: (await stat(tarOut)).size, reference: true },
      ...pickup.map((result) => ({ group, ...result, inputBytes: input, outputBytes: stagedBytes(result) })),
    );
  }
  return rows;
}
