/**
 * Measurements on trajectories used by the claims table: per-step ratios, crossings, least-squares fits with
 * their standard errors, log–log exponents, cycle sizes. Pure functions of recorded series.
 */
import { mean } from '../core/stats.js';

/** Least-squares line y ≈ α + β x with the standard error of β: se(β) = √(Σr²/(N−2) / Σ(x−x̄)²). */
export interface LineFit {
  slope: number;
  intercept: number;
  slopeSe: number;
  points: number;
}

export function fitLine(x: ArrayLike<number>, y: ArrayLike<number>): LineFit {
  const n = x.length;
  if (n < 2) throw new Error(`fitLine needs ≥ 2 points, got ${n}`);
  const mx = mean(x);
  const my = mean(y);
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i] - mx) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
  }
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (y[i] - intercept - slope * x[i]) ** 2;
  const slopeSe = n > 2 ? Math.sqrt(rss / (n - 2) / sxx) : 0;
  return { slope, intercept, slopeSe, points: n };
}

/** Index of the first record where `values[i] ≥ level` (−1 if never). */
export function firstCrossing(values: number[], level: number): number {
  return values.findIndex((v) => v >= level);
}

/** Step at which `values` first reaches `level`, or null. */
export function crossingStep(steps: number[], values: number[], level: number): number | null {
  const i = firstCrossing(values, level);
  return i < 0 ? null : steps[i];
}

/** Per-step ratio x(k+1)/x(k) at the first recorded consecutive pair starting at step `k`. */
export function stepRatio(steps: number[], values: number[], k: number): number {
  const i = steps.indexOf(k);
  if (i < 0 || steps[i + 1] !== k + 1) throw new Error(`steps ${k} and ${k + 1} are not both recorded`);
  return values[i + 1] / values[i];
}

/** Log–log exponent p of |y| ∝ k^p over records with steps in [from, to] (k > 0, y ≠ 0). */
export function logLogFit(steps: number[], values: number[], from: number, to: number): LineFit {
  const lx: number[] = [];
  const ly: number[] = [];
  steps.forEach((s, i) => {
    if (s >= from && s <= to && s > 0 && values[i] !== 0) {
      lx.push(Math.log(s));
      ly.push(Math.log(Math.abs(values[i])));
    }
  });
  return fitLine(lx, ly);
}

/** Linear fit of values vs step over records with steps in [from, to]. */
export function stepFit(steps: number[], values: number[], from: number, to: number): LineFit {
  const xs: number[] = [];
  const ys: number[] = [];
  steps.forEach((s, i) => {
    if (s >= from && s <= to) {
      xs.push(s);
      ys.push(values[i]);
    }
  });
  return fitLine(xs, ys);
}

/** Largest |Δx| between consecutive recorded steps that are one step apart. */
export function maxStepChange(steps: number[], values: number[]): number {
  let m = 0;
  for (let i = 0; i + 1 < steps.length; i++) if (steps[i + 1] === steps[i] + 1) m = Math.max(m, Math.abs(values[i + 1] - values[i]));
  return m;
}

/**
 * Bisection for the point where a monotone predicate switches from false (at lo) to true (at hi); returns the
 * final bracket. Each probe is one call of `test` (e.g. a short simulation).
 */
export function bisect(test: (x: number) => boolean, lo: number, hi: number, iterations: number): { lo: number; hi: number; mid: number; width: number } {
  if (test(lo)) throw new Error(`bisect: the predicate already holds at the lower end ${lo}`);
  if (!test(hi)) throw new Error(`bisect: the predicate does not hold at the upper end ${hi}`);
  for (let i = 0; i < iterations; i++) {
    const mid = (lo + hi) / 2;
    if (test(mid)) hi = mid;
    else lo = mid;
  }
  return { lo, hi, mid: (lo + hi) / 2, width: hi - lo };
}
