/** What a `pickup.config.ts` imports: `import { defineConfig } from '@pickup/cli'`. */
export { defineConfig, type PickupConfig } from '@pickup/core';
