// How long the command takes to start: `pickup --version`, and `pickup check` of the quickstart config.
import { join } from 'node:path';

export const name = 'startup';
export const title = 'startup';

export async function run(ctx) {
  const config = join(ctx.repo, 'examples/quickstart/pickup.config.ts');
  const runs = Math.max(ctx.runs, 5);
  const [bare, version, check] = await ctx.compare(
    [
      { label: 'node -e 0', run: () => ctx.measure(process.execPath, ['-e', '0']) },
      { label: 'pickup --version', run: () => ctx.measure(process.execPath, [ctx.bin, '--version']) },
      {
        label: 'pickup check (quickstart)',
        run: () => ctx.measure(process.execPath, [ctx.bin, 'check', '--config', config]),
      },
    ],
    runs,
  );
  return [
    { group: title, ...bare, reference: true },
    { group: title, ...version },
    { group: title, ...check },
  ];
}
