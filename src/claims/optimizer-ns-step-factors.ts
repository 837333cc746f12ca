/**
 * The per-block step factors of Muon's Newton–Schulz schedules (issue 12), one claim per schedule
 * (`optimizer-ns-step-factors-<schedule>`): the factors measured from the reduced map,
 * f_k = (a_k(1 − η·wd) − a_k′)/(ηρ), at W₀ and at every step along the escape (`stepFactors`,
 * dynamics/optimizer-family.ts), equal the schedule's polynomial p^{∘k}(u_k/(s‖u‖_F + ε)) to rounding. The map
 * evaluates the same polynomial, so the two differ only by the rounding of the difference quotient: a(1 − η·wd)
 * and a′ each carry ≤ u·|·| (u = 2⁻⁵³), and dividing by ηρ amplifies it: |δf| ≤ 2u·(2A/(ηρ) + F), A = max |a_k|
 * along the run (≥ 1 near the end), F = max |f_k|; the factor 2 covers the product a(1 − η·wd) and the final
 * subtraction. Control: the schedule's factors at W₀ against the *other* schedule's polynomial — false, since the
 * schedules differ at W₀ (Keller's quintic is not the polar factor there: its factors are far from 1).
 */
import { algorithmById } from '../algorithms/index.js';
import { lrScale, muonSettings, type MuonConfig } from '../algorithms/muon.js';
import { atMost, type Claim } from '../compare/claim.js';
import type { ExperimentConfig } from '../config/config.js';
import { stepFactors, factorsAtSignal, type StepFactors } from '../dynamics/optimizer-family.js';
import { UNIT_ROUNDOFF, fmtE } from './constants.js';
import type { ClaimDefinition } from './definition.js';
import { spikedConfig, type ReproduceParams } from './params.js';

export const NS_SCHEDULES = ['keller', 'polar-express'] as const;
export type NsSchedule = (typeof NS_SCHEDULES)[number];

/** Rounding bound of the measured step factors (module comment). */
export function stepFactorTolerance(f: StepFactors, eta: number, rho: number): number {
  let A = 1;
  let F = 0;
  for (const r of f.records) {
    A = Math.max(A, Math.abs(r.signal));
    for (const x of r.measured) F = Math.max(F, Math.abs(x));
  }
  return 2 * UNIT_ROUNDOFF * ((2 * A) / (eta * rho) + F);
}

/** max over blocks of |measured_k − predicted_k| of two records (the control: one schedule vs the other's polynomial). */
export function recordDeviation(measured: readonly number[], predicted: readonly number[]): number {
  return Math.max(...measured.map((m, k) => Math.abs(m - predicted[k])));
}

/** The Muon config (registry defaults with this schedule) of the step-factor measurement. */
export function scheduleConfig(p: ReproduceParams, schedule: NsSchedule): ExperimentConfig {
  const o = p.optimizers;
  const alg = { ...(algorithmById('muon').defaults as MuonConfig), nsCoefficients: schedule };
  return spikedConfig(p, { lambdaV: o.lambdaV, d: o.d, steps: o.factorSteps, algorithms: [alg] });
}

/** Step factors of one schedule at the registry's Muon defaults (momentum on) over `factorSteps` steps. */
export function scheduleFactors(p: ReproduceParams, schedule: NsSchedule): { factors: StepFactors; eta: number; rho: number } {
  const o = p.optimizers;
  const config = scheduleConfig(p, schedule);
  const s = muonSettings(config.algorithms[0] as MuonConfig);
  return { factors: stepFactors(config, o.factorSteps), eta: s.eta, rho: lrScale(s.lrScaling, o.d, o.d) };
}

const vec = (x: readonly number[]) => `(${x.map((v) => v.toFixed(4)).join(', ')})`;

/** The claim of one schedule, with the other's factors as the control. */
export function stepFactorClaim(schedule: NsSchedule, own: { factors: StepFactors; eta: number; rho: number }, other: { schedule: NsSchedule; factors: StepFactors }, escapeLevel: number): Claim {
  const f = own.factors;
  const tolerance = stepFactorTolerance(f, own.eta, own.rho);
  const w0 = f.records[0];
  const mid = factorsAtSignal(f, escapeLevel / 2);
  const controlMeasured = recordDeviation(w0.measured, other.factors.records[0].predicted);
  const last = f.records[f.records.length - 1];
  return {
    id: `optimizer-ns-step-factors-${schedule}`,
    kind: 'check',
    statement: `Muon's per-block step factors with the ${schedule} Newton–Schulz schedule, measured from the reduced map at W₀ and at every step along the escape, equal the schedule's polynomial to rounding.`,
    quantity: `max over steps 0..${last.step} and blocks ${f.symbols.join(', ')} of |f_measured − p^{∘k}(x_k)|; f at W₀ ${vec(w0.measured)}${mid ? `, at a ≥ ${escapeLevel / 2} (step ${mid.step}) ${vec(mid.measured)}` : ''}`,
    measured: f.maxDeviation,
    predicted: 0,
    tolerance,
    test: 'measured ≤ tolerance',
    toleranceRule: `2u·(2A/(ηρ) + F), u = 2⁻⁵³, A = max |a_k| (≥ 1), F = max |f_k|, η = ${own.eta}, ρ = ${own.rho}: ${fmtE(tolerance)}`,
    source: 'reduced map (Muon registry defaults with this schedule; spiked model)',
    verdict: atMost(f.maxDeviation, tolerance),
    control: {
      case: `the ${schedule} factors at W₀ against the ${other.schedule} polynomial (${vec(other.factors.records[0].predicted)}): the schedules differ at W₀`,
      measured: controlMeasured,
      verdict: atMost(controlMeasured, tolerance),
    },
  };
}

export const optimizerNsStepFactors: ClaimDefinition = {
  id: 'optimizer-ns-step-factors',
  family: true,
  statement: "Each Newton–Schulz schedule's per-block step factors, at W₀ and along the escape, match the schedule's polynomial to rounding; the schedules differ at W₀.",
  falsifiedBy: "a measured step factor farther from the schedule's polynomial than the rounding bound, or two schedules whose factors at W₀ agree to rounding.",
  // stepFactors iterates the reduced map directly; the declared runs are the configs it reads
  runs: (p) => NS_SCHEDULES.map((s) => ({ config: scheduleConfig(p, s), purpose: `Muon with the ${s} schedule (reduced map step factors)` })),
  measure: (_runs, p) => {
    const all = NS_SCHEDULES.map((s) => scheduleFactors(p, s));
    return NS_SCHEDULES.map((s, i) => {
      const j = (i + 1) % NS_SCHEDULES.length;
      return stepFactorClaim(s, all[i], { schedule: NS_SCHEDULES[j], factors: all[j].factors }, p.escapeLevel);
    });
  },
};
