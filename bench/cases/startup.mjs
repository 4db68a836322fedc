// How long the command takes to start: `pickup --version`, and `pickup check` of the quickstart config,
// against `node -e 0` of the same Node (a group per Node version).
import { join } from 'node:path';

export const name = 'startup';
export const title = 'startup';

export async function run(ctx) {
  const config = join(ctx.repo, 'examples/quickstart/pickup.config.ts');
  const runs = Math.max(ctx.runs, 5);
  const rows = [];
  for (const node of ctx.nodes) {
    const [bare, version, check] = await ctx.compare(
      [
        { label: 'node -e 0', run: () => ctx.measure(node.path, ['-e', '0']) },
        { label: 'pickup --version', run: () => ctx.measure(node.path, [ctx.bin, '--version']) },
        {
          label: 'pickup check (quickstart)',
          run: () => ctx.measure(node.path, [ctx.bin, 'check', '--config', config]),
        },
      ],
      runs,
    );
    const group = ctx.nodes.length > 1 ? `${title}, Node ${node.major}` : title;
    rows.push(
      { group, ...bare, node: node.major, reference: true },
      { group, ...version, node: node.major },
      { group, ...check, node: node.major },
    );
  }
  return rows;
}
