// Encrypts every file of a staged source folder as a run with `encryption` does (each file to
// `<file>.age`, the plaintext removed), in a process of its own so that its time and memory can be measured.
// Usage: node encrypt-stage.mjs <folder> <recipient>
import { keepYoungGenerationSmall } from '../../packages/cli/dist/heap.js';

// The heap as the `pickup` command keeps it, set before the rest is loaded.
keepYoungGenerationSmall();
const { encryptFolder } = await import('../../packages/core/dist/encryption/encrypt-files.js');
const { loadEncryption } = await import('../../packages/core/dist/encryption/keys.js');

const [dir, recipient] = process.argv.slice(2);
const encryption = await loadEncryption(
  { recipients: [recipient] },
  (path) => path,
  (field) => field,
);
const plain = await encryptFolder(dir, encryption, new AbortController().signal);
process.stdout.write(
  JSON.stringify({ files: plain.size, bytes: [...plain.values()].reduce((sum, file) => sum + file.size, 0) }),
);
