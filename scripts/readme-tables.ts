// Regenerate the README's generated tables: the config defaults (from DEFAULTS) and the optimizer options (from
// the algorithm registry's `options` and `defaults`).
import { readFileSync, writeFileSync } from 'node:fs';
import { withDefaultsTable } from '../src/config/docs.js';
import { ALGORITHMS } from '../src/algorithms/index.js';
import { withOptionsTable } from '../src/algorithms/options-table.js';

const file = new URL('../README.md', import.meta.url);
writeFileSync(file, withOptionsTable(withDefaultsTable(readFileSync(file, 'utf8')), ALGORITHMS));
console.log('README defaults and optimizer-options tables regenerated');
