/**
 * Claims of the (λ_v, φ) phase diagram of GD (issue 13; claims/angle-scan.ts `PHASE_RULE`: GD's escape step against
 * the isotropic reference λ_v = 1 at the same φ):
 *
 *  - `angle-gd-phase-isotropic` (check): at λ_v = 1, Σ = I and every φ is the same model (θ a unit vector), so the
 *    matrix-block path must give the φ = 0 escape step at every φ. Measured: max_φ |k_esc(1, φ) − k_esc(1, 0)|
 *    (steps); tolerance 1 step (the two paths differ by rounding, which can move a crossing by one step). Control:
 *    the same at the largest λ_v of the grid.
 *  - `angle-gd-phase-orthogonal` (finding): an orthogonal spike (φ = 0) never speeds up GD's escape. Measured: the
 *    number of `helps` cells in the φ = 0 column; tolerance 0; `inconclusive` when the column has undecided cells.
 *    Control: the same count in the largest-φ column.
 *  - `angle-gd-phase-tilted` (finding): a spike tilted towards the signal (φ > 0) never delays GD's escape where GD
 *    does not diverge. Measured: the number of `hurts` cells with φ > 0 and λ_v > 1; tolerance 0; `inconclusive`
 *    when such cells are undecided. Control: the same count in the φ = 0 column (λ_v > 1).
 */
import type { Claim } from '../compare/claim.js';
import type { AnglePhase } from '../compare/angle-section.js';
import type { ClaimDefinition } from './definition.js';
import { angleRuns, angleStudy } from './angle-scan.js';

/** max_φ |k(i, φ) − k(i, 0)| over the φ where both escape (null when none does). */
function rowSpread(ph: AnglePhase, i: number): number | null {
  const k0 = ph.escapeStep[i][0];
  if (k0 === null) return null;
  let m: number | null = null;
  ph.escapeStep[i].forEach((k, j) => {
    if (k !== null && j > 0) m = Math.max(m ?? 0, Math.abs(k - k0));
  });
  return m;
}

function helpsIn(ph: AnglePhase, j: number): { helps: number; undecided: number } {
  const col = ph.cell.map((row) => row[j]);
  return { helps: col.filter((c) => c === 'helps').length, undecided: col.filter((c) => c === 'undecided').length };
}

export function phaseClaims(ph: AnglePhase): Claim[] {
  const r = ph.lambdaV.indexOf(1);
  const top = ph.lambdaV.length - 1;
  const iso = rowSpread(ph, r);
  const isoControl = rowSpread(ph, top);
  const j0 = ph.phi.indexOf(0);
  const jTop = ph.phi.length - 1;
  const o = helpsIn(ph, j0);
  const oc = helpsIn(ph, jTop);
  const isotropic: Claim = {
    id: 'angle-gd-phase-isotropic',
    kind: 'check',
    statement: 'At λ_v = 1 (Σ = I) the angle is immaterial: GD’s escape step is the same at every φ.',
    quantity: `max over φ of |k_esc(λ_v = 1, φ) − k_esc(λ_v = 1, 0)| (GD reduced map, steps; ${ph.phi.length} φ)`,
    measured: iso ?? 0,
    predicted: 0,
    tolerance: 1,
    test: '|measured − predicted| ≤ tolerance',
    toleranceRule: 'one step: rounding differences between the commuting-block and matrix-block paths can move a crossing by one step',
    source: 'reduced GD maps of the phase diagram (λ_v = 1 row)',
    verdict: iso === null ? 'inconclusive' : iso <= 1 ? 'pass' : 'fail',
    ...(iso === null ? { reason: `GD does not escape within ${ph.steps} steps at λ_v = 1` } : {}),
    control: { case: `the same at λ_v = ${ph.lambdaV[top]} (the spike makes φ matter)`, measured: isoControl ?? 0, verdict: isoControl === null ? 'inconclusive' : isoControl <= 1 ? 'pass' : 'fail' },
  };
  const orthogonal: Claim = {
    id: 'angle-gd-phase-orthogonal',
    kind: 'finding',
    statement: 'An orthogonal spike (φ = 0) never speeds up GD’s escape: no cell of the φ = 0 column escapes earlier than the isotropic reference.',
    quantity: `number of “helps” cells among the ${ph.lambdaV.length} λ_v of the φ = 0 column (rule: ${ph.rule})`,
    measured: o.helps,
    predicted: 0,
    tolerance: 0,
    test: 'measured ≤ tolerance',
    toleranceRule: 'a count of cells decided at step granularity (strictly earlier escape step): 0 allowed',
    source: 'reduced GD maps of the phase diagram',
    verdict: o.helps > 0 ? 'fail' : o.undecided > 0 ? 'inconclusive' : 'pass',
    ...(o.helps === 0 && o.undecided > 0 ? { reason: `${o.undecided} cells of the φ = 0 column are undecided (the reference does not escape within the budget)` } : {}),
    control: { case: `the same count in the φ = ${ph.phi[jTop].toPrecision(4)} column (a spike along the signal)`, measured: oc.helps, verdict: oc.helps > 0 ? 'fail' : oc.undecided > 0 ? 'inconclusive' : 'pass' },
  };
  const count = (cols: number[], cell: string) => ph.cell.reduce((n, row, i) => n + (i === r ? 0 : cols.filter((j) => row[j] === cell).length), 0);
  const tiltedCols = ph.phi.map((f, j) => (f > 0 ? j : -1)).filter((j) => j >= 0);
  const hurts = count(tiltedCols, 'hurts');
  const undecided = count(tiltedCols, 'undecided');
  const hurts0 = count([j0], 'hurts');
  const tilted: Claim = {
    id: 'angle-gd-phase-tilted',
    kind: 'finding',
    statement: 'A spike tilted towards the signal (φ > 0) never delays GD’s escape below the divergence edge: every such cell either escapes earlier than the isotropic reference or diverges at this η̃.',
    quantity: `number of “hurts” cells with φ > 0 and λ_v > 1 (${tiltedCols.length} φ × ${ph.lambdaV.length - 1} λ_v; rule: ${ph.rule})`,
    measured: hurts,
    predicted: 0,
    tolerance: 0,
    test: 'measured ≤ tolerance',
    toleranceRule: 'a count of cells decided at step granularity: 0 allowed',
    source: 'reduced GD maps of the phase diagram',
    verdict: hurts > 0 ? 'fail' : undecided > 0 ? 'inconclusive' : 'pass',
    ...(hurts === 0 && undecided > 0 ? { reason: `${undecided} tilted cells are undecided (the reference does not escape within the budget)` } : {}),
    control: { case: 'the same count in the φ = 0 column (an orthogonal spike)', measured: hurts0, verdict: hurts0 > 0 ? 'fail' : 'pass' },
  };
  return [isotropic, orthogonal, tilted];
}

export const angleGdPhase: ClaimDefinition = {
  id: 'angle-gd-phase',
  family: true,
  statement: 'GD’s (λ_v, φ) phase diagram: the angle is immaterial at Σ = I, an orthogonal spike never speeds up GD’s escape, and a tilted one never delays it where GD does not diverge.',
  falsifiedBy: 'escape steps at λ_v = 1 differing across φ by more than one step, a φ = 0 cell escaping earlier than the isotropic reference, or a φ > 0 cell escaping later.',
  runs: angleRuns,
  measure(runs, p) {
    const s = angleStudy(runs, p);
    return s ? phaseClaims(s.phase) : [];
  },
};
