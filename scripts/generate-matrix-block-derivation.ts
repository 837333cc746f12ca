/**
 * Regenerate the committed matrix-block derivation (issue 13): derivations/spiked-angle.{md,json} from
 * examples/spiked-angle.json. Run: `npx tsx scripts/generate-matrix-block-derivation.ts`.
 * test/symbolic/matrix-block-doc.test.ts fails when the committed files differ from what this produces.
 */
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../src/core/output.js';
import { deriveDocuments } from '../src/cli/commands/derive.js';

const root = fileURLToPath(new URL('../', import.meta.url));
export const MATRIX_BLOCK_DERIVATION = { stem: 'spiked-angle', config: `${root}examples/spiked-angle.json` };

const docs = deriveDocuments({ config: MATRIX_BLOCK_DERIVATION.config }, ['md', 'json']);
for (const format of ['md', 'json'] as const) {
  writeFileAtomic(`${root}derivations/${MATRIX_BLOCK_DERIVATION.stem}.${format}`, docs[format]);
  process.stdout.write(`wrote derivations/${MATRIX_BLOCK_DERIVATION.stem}.${format}\n`);
}
