#!/usr/bin/env node
import { main } from './cli.js';

// main() reports every error itself and says which exit code it stands for.
const code = await main(process.argv.slice(2));
process.exit(code);
