// `pickup report` over a generated fleet in a folder of per-host folders: 20 hosts of 10 backups each (200 at
// scale 1), first with an empty cache (every manifest read), then with the cache of that first report,
// against reading every manifest with `cat`, what a script around the manifests would do at the least.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeFleetFolder } from '../../test/fleet-folder.mjs';

export const name = 'report';
export const title = 'pickup report, 20 hosts in a folder of per-host folders';

export async function run(ctx) {
  const backupsPerHost = Math.max(2, Math.round(10 * Math.min(ctx.scale, 1)));
  const tiny = join(ctx.scratch, 'tiny');
  await mkdir(tiny, { recursive: true });
  await writeFile(join(tiny, 'page.html'), '<p>hello</p>\n');
  const template = await ctx.stagedRun(tiny);
  const project = join(ctx.scratch, 'project');
  const fleet = join(project, 'fleet');
  await makeFleetFolder(template.dir, fleet, { hosts: 20, backupsPerHost });
  const config = join(project, 'pickup.config.json');
  const sources = [{ name: 'data', use: 'folder', with: { path: tiny } }];
  const targets = [{ name: 'fleet', use: 'folder', with: { path: './fleet', perHost: true, host: 'host-00' } }];
  await writeFile(config, JSON.stringify({ sources, targets }));
  await ctx.linkPlugins(project);
  const cache = join(ctx.scratch, 'cache');
  const report = (node) =>
    ctx.measure(node, [ctx.bin, 'report', '--json', '--config', config], { env: { XDG_CACHE_HOME: cache } });
  const results = await ctx.compare([
    {
      label: 'cat of every manifest',
      run: () => ctx.measure('bash', ['-c', 'cat "$1"/*/*/manifest.json > /dev/null', 'bash', fleet]),
    },
    ...ctx.perNode({ label: 'pickup report, no cache', prepare: () => ctx.clean(cache), run: report }),
    ...ctx.perNode({ label: 'pickup report, cached', run: report }),
  ]);
  const backups = 20 * backupsPerHost;
  return results.map((result, index) => ({
    group: `${title}, ${backups} backups`,
    ...result,
    ...(index === 0 ? { reference: true } : {}),
  }));
}
