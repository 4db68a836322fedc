import { isMissing } from './failure.js';
import type { Restic } from './restic.js';

/**
 * Whether the repository is there and opens with the password (`restic cat config`, which only reads);
 * a repository that cannot be reached, or refuses the password, is an error.
 */
export async function repositoryExists(restic: Restic): Promise<boolean> {
  try {
    await restic.run(['cat', 'config', '--no-lock']);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}
