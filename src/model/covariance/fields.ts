/**
 * Field builders shared by the covariance families. Supported range of every variance / eigenvalue: outside it,
 * products such as λ²a⁴ in the loss (or the exact rational arithmetic of the fixed points) leave the float64 range.
 * The limits are bad input, not a crash.
 */
import { z } from 'zod';

export const VARIANCE_MIN = 1e-100;
export const VARIANCE_MAX = 1e100;

export const variance = (what: string) => {
  const msg = `a number > 0 within [${VARIANCE_MIN}, ${VARIANCE_MAX}] (${what})`;
  return z.number({ error: msg }).gte(VARIANCE_MIN, { error: msg }).lte(VARIANCE_MAX, { error: msg });
};

/** 1-based index j of the eigen-direction that carries the signal θ = e_j. */
export const signalIndex = () => z.number({ error: 'an integer in 1..d' }).int({ error: 'an integer in 1..d' });

/**
 * One rank-1 block per eigen-direction: coefficients a_1..a_d, the signal θ = Σ weight·e_direction. `signalBlock` is
 * the direction of the largest |weight| (the first on ties; θ = e_j: j).
 */
export function directionBlocks(lambdas: readonly number[], signal: readonly SignalComponent[]) {
  const d = lambdas.length;
  const blockOf = new Int32Array(d);
  const blocks = lambdas.map((variance, j) => {
    blockOf[j] = j;
    return { name: `direction ${j + 1}`, symbol: `a_${j + 1}`, role: 'direction' as const, variance, varianceSymbol: `lambda_${j + 1}`, rank: 1, rankInD: { coef: 0, offset: 1 } };
  });
  let top = signal[0];
  for (const c of signal) if (Math.abs(c.weight) > Math.abs(top.weight)) top = c;
  return { blocks, signalBlock: top.direction, spikeBlock: -1, blockOf, basis: 'canonical' as const, signal: signal.map((c) => ({ ...c })) };
}

/** The signal index rule: 1 ≤ signalIndex ≤ d. */
export function checkSignalIndex(index: number, d: number): [string, unknown, string] | null {
  return index < 1 || index > d ? ['signalIndex', index, `an integer in 1..${d} (1-based eigen-direction index, d = ${d})`] : null;
}

/**
 * The signal of a diagonal / power-law covariance spread over several eigen-directions (issue 13): either the
 * vector θ in the eigenbasis (d numbers, zeros allowed, not all zero) or a list of `{ index, weight }` (1-based
 * eigen-direction index, non-zero weight, each index once). The signal is normalized: θ = w/‖w‖.
 */
/** What one entry of `signal` may be (the union's own message would be zod's bare "Invalid input"). */
const SIGNAL_ENTRY_MSG = 'a finite number (θ\'s coordinate on that eigen-direction) or an object { "index": j (1-based), "weight": w ≠ 0 }, one form for the whole list';

export const signalVector = () =>
  z.array(z.union([z.number(), z.strictObject({ index: z.number(), weight: z.number() })], { error: SIGNAL_ENTRY_MSG }), {
    error: 'an array of d numbers (θ in the eigenbasis) or a list of { "index": j (1-based), "weight": w ≠ 0 }',
  });

/** One eigen-direction of the signal θ = Σ weight · q_direction (0-based direction; weights of unit norm). */
export interface SignalComponent {
  direction: number;
  weight: number;
}

/**
 * Smallest normalized signal weight |θ_k| the reduction accepts: √(2⁻¹⁰²²) = 2⁻⁵¹¹ ≈ 1.49e-154, below which θ_k²
 * (it enters through θθᵀ) underflows the normal float64 range and the block's coupling is lost to rounding.
 */
export const MIN_SIGNAL_WEIGHT = 2 ** -511;

/**
 * Validate and normalize a `signal` field against d: [field, value, valid] for the first violation, else the
 * normalized components in ascending direction order.
 */
export function parseSignal(signal: readonly unknown[], d: number): { error: [string, unknown, string] } | { components: SignalComponent[] } {
  /** Each component with the field it came from (for the underflow check below). */
  const raw: (SignalComponent & { field: string })[] = [];
  const listForm = signal.length > 0 && typeof signal[0] === 'object';
  if (signal.length === 0) return { error: ['signal', signal, `a non-empty array: d = ${d} numbers or a list of { "index", "weight" }`] };
  if (!listForm) {
    if (signal.length !== d) return { error: ['signal', signal, `an array of exactly d = ${d} numbers (θ in the eigenbasis; got ${signal.length})`] };
    for (let j = 0; j < d; j++) {
      const w = signal[j];
      if (typeof w !== 'number' || !Number.isFinite(w)) return { error: [`signal[${j}]`, w, 'a finite number'] };
      if (w !== 0) raw.push({ direction: j, weight: w, field: `signal[${j}]` });
    }
    if (raw.length === 0) return { error: ['signal', signal, 'a vector with at least one non-zero entry (θ = 0 has no direction)'] };
  } else {
    const seen = new Set<number>();
    for (let i = 0; i < signal.length; i++) {
      const e = signal[i];
      if (typeof e !== 'object' || e === null) return { error: [`signal[${i}]`, e, 'an object { "index": j, "weight": w } (one form for the whole list)'] };
      const { index, weight } = e as { index: unknown; weight: unknown };
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 1 || index > d) return { error: [`signal[${i}].index`, index, `an integer in 1..${d} (1-based eigen-direction index, d = ${d})`] };
      if (seen.has(index)) return { error: [`signal[${i}].index`, index, `distinct indices (${index} appears twice)`] };
      seen.add(index);
      if (typeof weight !== 'number' || !Number.isFinite(weight) || weight === 0) return { error: [`signal[${i}].weight`, weight, 'a finite non-zero number (leave a direction out instead of giving it weight 0)'] };
      raw.push({ direction: index - 1, weight, field: `signal[${i}].weight` });
    }
    raw.sort((x, y) => x.direction - y.direction);
  }
  // ‖w‖ by scaling with max|w| first (no overflow/underflow of the squares).
  const big = Math.max(...raw.map((c) => Math.abs(c.weight)));
  const norm = Math.sqrt(raw.reduce((s, c) => s + (c.weight / big) ** 2, 0));
  const components = raw.map((c) => ({ direction: c.direction, weight: c.weight / big / norm }));
  // A weight so small beside the largest that w/‖w‖ underflows to 0 would leave a zero-weight component (the
  // direction counted as part of θ while θ has no component on it): refused like a zero weight in the list form.
  for (let k = 0; k < raw.length; k++) {
    if (components[k].weight === 0) return { error: [raw[k].field, raw[k].weight, `a weight that stays non-zero when θ is normalized (here w/‖w‖ underflows to 0 beside the largest |w| = ${big}); leave that direction out (0 in the vector form)`] };
    // The reduction works with θ_kθ_kᵀ: a normalized weight whose square leaves the normal float64 range is refused.
    if (Math.abs(components[k].weight) < MIN_SIGNAL_WEIGHT) return { error: [raw[k].field, raw[k].weight, `a weight w with |w/‖w‖| ≥ ${MIN_SIGNAL_WEIGHT.toExponential(3)} (here ${Math.abs(components[k].weight).toExponential(3)}: its square underflows the float64 range the reduction computes in); leave that direction out (0 in the vector form)`] };
  }
  return { components };
}

/** The signal rule of the diagonal families: exactly one of signalIndex and signal. */
export function checkSignal(c: { signalIndex?: number; signal?: unknown[] }, d: number): [string, unknown, string] | null {
  if (c.signal !== undefined && c.signalIndex !== undefined) return ['signal', c.signal, 'either signalIndex or signal, not both (signal: θ spread over eigen-directions; signalIndex: θ = e_j)'];
  if (c.signal === undefined && c.signalIndex === undefined) return ['signalIndex', undefined, `a value (required unless signal is given): an integer in 1..${d}`];
  if (c.signal !== undefined) {
    const r = parseSignal(c.signal, d);
    return 'error' in r ? r.error : null;
  }
  return checkSignalIndex(c.signalIndex!, d);
}

/** The signal's components of a (checked) diagonal-family config: θ = e_signalIndex or the normalized `signal`. */
export function signalComponents(c: { signalIndex?: number; signal?: unknown[] }, d: number): SignalComponent[] {
  if (c.signal !== undefined) {
    const r = parseSignal(c.signal, d);
    if ('error' in r) throw new Error(`signal: ${r.error[2]}`);
    return r.components;
  }
  return [{ direction: c.signalIndex! - 1, weight: 1 }];
}
