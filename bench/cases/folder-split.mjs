// The folder-split source against a shell loop of `tar -czf`, one archive per top-level folder.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { stagedBytes } from '../lib/staged.mjs';

export const name = 'folder-split';
export const title = 'folder-split vs a loop of tar -czf';

export async function run(ctx) {
  const data = await ctx.data('mixed');
  const input = await ctx.bytesOf(data);
  const loopOut = join(ctx.scratch, 'loop');
  const stage = join(ctx.scratch, 'stage');
  const loop = `mkdir -p "$2" && cd "$1" && for d in */; do tar --use-compress-program "gzip -${ctx.level}" -cf "$2/\${d%/}.tar.gz" -C "$d" . || exit 1; done`;
  const [shell, ...pickup] = await ctx.compare([
    {
      label: `for d in */; do tar -czf ...; done`,
      prepare: () => ctx.clean(loopOut),
      run: () => ctx.measure('sh', ['-c', loop, 'sh', data, loopOut]),
    },
    ...ctx.perNode({
      label: 'pickup folder-split source',
      prepare: () => ctx.clean(stage),
      run: (node) =>
        ctx.node(
          'lib/source-stage.mjs',
          [join(ctx.repo, 'packages/source-folder-split'), JSON.stringify({ path: data, gzipLevel: ctx.level }), stage],
          node,
        ),
    }),
  ]);
  let loopBytes = 0;
  for (const file of await readdir(loopOut)) loopBytes += (await stat(join(loopOut, file))).size;
  return [
    { group: title, ...shell, inputBytes: input, outputBytes: loopBytes, reference: true },
    ...pickup.map((result) => ({ group: title, ...result, inputBytes: input, outputBytes: stagedBytes(result) })),
  ];
}
