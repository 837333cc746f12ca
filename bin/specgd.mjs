#!/usr/bin/env node
// Entry point of the `specgd` command. The sources are TypeScript run through tsx's loader, so
// `npx specgd ...` works right after `npm ci` with no build step to remember.
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('../src/cli/main.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2));
