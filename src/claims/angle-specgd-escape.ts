/**
 * SpecGD's escape step against λ_v at each φ of the angle study (issue 13), two claims from the same measurement:
 *
 *  - `angle-specgd-escape-eigen`: when θ is an eigen-direction of Σ (φ = 0: θ = u; φ = π/2: θ = v up to the
 *    float64 cos(π/2)), SpecGD's escape step does not depend on λ_v. Measured: max over those φ of the spread
 *    max − min over the curves' λ_v of SpecGD's escape step. Tolerance 0 steps: the spread of integer steps is 0
 *    or ≥ 1, and along an eigen-direction SpecGD's signal coefficient is α + kη whatever λ_v (the sign map), so
 *    the crossing step ⌈(level − α)/η⌉ is the same for every λ_v unless (level − α)/η is within rounding of an
 *    integer (it is 249.5 at the plan's sizes). Control: GD's spread at the same φ.
 *  - `angle-specgd-escape-tilted`: for 0 < φ < π/2 it does depend on λ_v. Measured: max over those φ of the same
 *    spread; test measured > 2 steps (a rounding flip of the crossing moves one escape step by at most one, so two
 *    flips at the ends of the spread account for at most 2). Control: the spread at φ = 0.
 */
import type { Claim } from '../compare/claim.js';
import type { AngleSection } from '../compare/angle-section.js';
import type { ClaimDefinition } from './definition.js';
import { angleRuns, angleStudy } from './angle-scan.js';

/** max − min of the escape steps of `alg` over the curves at φ index j (null when one does not escape). */
export function escapeSpread(s: AngleSection, alg: string, j: number): number | null {
  const k = s.curves.map((c) => c.runs[alg]?.[j]?.escapeStep ?? null);
  if (k.some((x) => x === null)) return null;
  const v = k as number[];
  return Math.max(...v) - Math.min(...v);
}

const EIGEN_TOL = 1e-9;
/** Indices of φ where θ is an eigen-direction of Σ (|sin φ| or |cos φ| below 1e-9, i.e. φ = 0 or π/2 in float64). */
export function eigenPhis(phi: number[]): number[] {
  return phi.map((f, j) => (Math.abs(Math.sin(f)) < EIGEN_TOL || Math.abs(Math.cos(f)) < EIGEN_TOL ? j : -1)).filter((j) => j >= 0);
}

function maxSpread(s: AngleSection, alg: string, idx: number[]): { value: number; undecided: number[] } {
  let value = 0;
  const undecided: number[] = [];
  for (const j of idx) {
    const d = escapeSpread(s, alg, j);
    if (d === null) undecided.push(j);
    else value = Math.max(value, d);
  }
  return { value, undecided };
}

export function specgdEscapeClaims(s: AngleSection, specgd = 'specgd', gd = 'gd'): Claim[] {
  const phi = s.curves[0].phi;
  const eigen = eigenPhis(phi);
  const interior = phi.map((_, j) => j).filter((j) => !eigen.includes(j));
  const lv = s.curves.map((c) => c.lambdaV).join(', ');
  const fmtPhi = (idx: number[]) => idx.map((j) => phi[j].toPrecision(4)).join(', ');
  const e = maxSpread(s, specgd, eigen);
  const eg = maxSpread(s, gd, eigen);
  const t = maxSpread(s, specgd, interior);
  const t0 = maxSpread(s, specgd, eigen.filter((j) => phi[j] === 0));
  const eigenClaim: Claim = {
    id: 'angle-specgd-escape-eigen',
    kind: 'finding',
    statement: 'When θ is an eigen-direction of Σ (φ = 0 or π/2), SpecGD’s escape step does not depend on λ_v.',
    quantity: `max over φ ∈ {${fmtPhi(eigen)}} of (max − min) over λ_v ∈ {${lv}} of SpecGD’s escape step (reduced map, steps)`,
    measured: e.value,
    predicted: 0,
    tolerance: 0,
    test: 'measured ≤ tolerance',
    toleranceRule: 'the spread of integer steps is 0 or ≥ 1 step; 0 allowed',
    source: 'reduced SpecGD maps of the angle study',
    verdict: e.undecided.length ? 'inconclusive' : e.value <= 0 ? 'pass' : 'fail',
    ...(e.undecided.length ? { reason: `SpecGD does not escape within ${s.steps} steps at φ = ${fmtPhi(e.undecided)} for some λ_v` } : {}),
    control: { case: `GD’s spread at the same φ (GD’s escape depends on λ_v)`, measured: eg.value, verdict: eg.undecided.length ? 'inconclusive' : eg.value <= 0 ? 'pass' : 'fail' },
  };
  const tiltedClaim: Claim = {
    id: 'angle-specgd-escape-tilted',
    kind: 'finding',
    statement: 'For a signal tilted towards the spike (0 < φ < π/2), SpecGD’s escape step depends on λ_v.',
    quantity: `max over φ ∈ {${fmtPhi(interior)}} of (max − min) over λ_v ∈ {${lv}} of SpecGD’s escape step (steps)`,
    measured: t.value,
    predicted: null,
    tolerance: 2,
    test: 'measured > tolerance',
    toleranceRule: 'two crossing steps moved by one rounding flip each: 2 steps',
    source: 'reduced SpecGD maps of the angle study',
    verdict: t.value > 2 ? 'pass' : t.undecided.length ? 'inconclusive' : 'fail',
    ...(t.value <= 2 && t.undecided.length ? { reason: `no escape within ${s.steps} steps at φ = ${fmtPhi(t.undecided)} for some λ_v` } : {}),
    control: { case: 'the same spread at φ = 0 (θ ⊥ v)', measured: t0.value, verdict: t0.value > 2 ? 'pass' : 'fail' },
  };
  return [eigenClaim, tiltedClaim];
}

export const angleSpecgdEscape: ClaimDefinition = {
  id: 'angle-specgd-escape',
  family: true,
  statement: 'SpecGD’s escape step does not depend on λ_v when θ is an eigen-direction of Σ (φ = 0, π/2) and does in between.',
  falsifiedBy: 'a non-zero spread over λ_v of SpecGD’s escape step at φ = 0 or π/2, or a spread of at most 2 steps at every 0 < φ < π/2.',
  runs: angleRuns,
  measure(runs, p) {
    const s = angleStudy(runs, p);
    return s ? specgdEscapeClaims(s) : [];
  },
};
