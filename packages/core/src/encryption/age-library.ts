/**
 * age-encryption, loaded on first use: with its @noble/* libraries it is some 50 modules and 14 MB that
 * the commands and runs that never encrypt or decrypt (`pickup check` of most configs) do without.
 */
export function ageLibrary(): Promise<typeof import('age-encryption')> {
  return import('age-encryption');
}
