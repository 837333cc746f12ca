/**
 * Regenerate the committed derivation documents (derivations/<stem>.md and .json) for the presets listed in
 * COMMITTED_DERIVATIONS. Run: `npx tsx scripts/generate-derivations.ts` (wired as `npm run derivations`).
 * test/symbolic/derivations-drift.test.ts fails when the committed files differ from what this produces.
 */
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../src/core/output.js';
import { COMMITTED_DERIVATIONS } from '../src/report/derivation-doc.js';
import { deriveDocuments } from '../src/cli/commands/derive.js';

const root = fileURLToPath(new URL('../', import.meta.url));

for (const { stem, preset } of COMMITTED_DERIVATIONS) {
  const docs = deriveDocuments({ preset }, ['md', 'json']);
  for (const format of ['md', 'json'] as const) {
    writeFileAtomic(`${root}derivations/${stem}.${format}`, docs[format]);
    process.stdout.write(`wrote derivations/${stem}.${format}\n`);
  }
}
