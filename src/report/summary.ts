/**
 * The summary `specgd reproduce` prints on stdout: claims by verdict (pass, fail, inconclusive, with the id of each
 * claim that did not pass), comparisons by verdict (pass, fail, inconclusive: too few seeds for the finite-sample
 * tolerance, n/a: nothing testable) and, for the finite-sample comparisons, by reference (corrected theory,
 * population theory), then where the report is.
 */
import type { ResultsBundle } from '../compare/bundle.js';
import type { Comparison, Verdict } from '../compare/compare.js';

const COMPARISON_VERDICTS: readonly Verdict[] = ['pass', 'fail', 'inconclusive', 'n/a'];

/** "20 pass, 0 fail, 10 inconclusive, 2 n/a" of a list of comparisons. */
export function comparisonCounts(comps: readonly Comparison[]): string {
  return COMPARISON_VERDICTS.map((v) => `${comps.filter((c) => c.verdict === v).length} ${v}`).join(', ');
}

/** The summary lines (each ending in a newline). */
export function reproduceSummary(bundle: ResultsBundle, out: string, files: number): string {
  const claims = bundle.claims;
  const count = (v: string) => claims.filter((c) => c.verdict === v).length;
  const refs = (['corrected', 'population'] as const)
    .map((r) => ({ r, comps: bundle.comparisons.filter((c) => c.reference === r) }))
    .filter((x) => x.comps.length > 0)
    .map((x) => `  finite-sample vs ${x.r} theory: ${comparisonCounts(x.comps)}\n`)
    .join('');
  return (
    `claims: ${count('pass')} passed, ${count('fail')} failed, ${count('inconclusive')} inconclusive` +
    `${claims.filter((c) => c.verdict !== 'pass').map((c) => ` [${c.verdict}: ${c.id}]`).join('')}\n` +
    `comparisons: ${comparisonCounts(bundle.comparisons)}\n` +
    refs +
    `report: ${out}/index.html (${files} files)\n`
  );
}
