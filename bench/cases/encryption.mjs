// Encryption (age, to one X25519 recipient) against the age command (Go) doing the same work on the
// same files (the two large files of the `pair` set, 270 MB, as a source would have staged them): hash the
// plaintext, encrypt it, hash the ciphertext (pickup keeps a keyed digest of the plaintext and the
// ciphertext's sha256 for the manifest), remove the plaintext.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export const name = 'encryption';
export const title = 'encryption vs age -r';

export async function run(ctx) {
  const data = await ctx.data('pair');
  const input = await ctx.bytesOf(data);
  const recipient = /public key: (age1\S+)/.exec(
    execFileSync('age-keygen', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
  )[1];
  const stage = join(ctx.scratch, 'stage');
  const copyIn = async () => {
    await ctx.clean(stage);
    execFileSync('cp', ['-r', data, stage]);
  };
  const ageEach = `for f in "$1"/*; do sha256sum "$f" >/dev/null && age -r "$2" -o "$f.age" "$f" && sha256sum "$f.age" >/dev/null && rm "$f" || exit 1; done`;
  const [age, ...pickup] = await ctx.compare([
    {
      label: 'sha256sum, age -r, sha256sum, file by file',
      prepare: copyIn,
      run: () => ctx.measure('sh', ['-c', ageEach, 'sh', stage, recipient]),
    },
    ...ctx.perNode({
      label: 'pickup encryption',
      prepare: copyIn,
      run: (node) => ctx.node('lib/encrypt-stage.mjs', [stage, recipient], node),
    }),
  ]);
  await ctx.clean(stage);
  return [
    { group: title, ...age, inputBytes: input, reference: true },
    ...pickup.map((result) => ({ group: title, ...result, inputBytes: input })),
  ];
}
