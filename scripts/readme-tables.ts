// Regenerate the README's defaults table from the DEFAULTS constant.
import { readFileSync, writeFileSync } from 'node:fs';
import { withDefaultsTable } from '../src/config/docs.js';

const file = new URL('../README.md', import.meta.url);
writeFileSync(file, withDefaultsTable(readFileSync(file, 'utf8')));
console.log('README defaults table regenerated');
