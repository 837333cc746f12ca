/** Text helpers shared by the HTML and Markdown reports: number formatting, the setting, derivation equations. */

/** Numbers in tables: 6 significant digits, exponent form for very small / large magnitudes. */
export function fmt(x: number | null | undefined): string {
  if (x === null || x === undefined) return '—';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e6) return Number(x.toPrecision(6)).toString();
  return x.toExponential(3);
}

/** The setting (model.md §1–§3), in words and LaTeX; definitions, not results. */
export function settingEquations(): { text: string; latex: string }[] {
  return [
    { text: 'Data, target and student (quadratic activation, fixed second layer), population loss:', latex: 'x \\sim \\mathcal N(0, \\Sigma),\\quad y = (\\theta^\\top x)^2,\\quad f_W(x) = \\lVert W x\\rVert^2,\\quad L(W) = \\tfrac14\\,\\mathbb E\\big[(f_W(x) - y)^2\\big]' },
    { text: 'Spiked covariance: signal θ, spike v ⊥ θ, bulk of rank d − 2; commuting blocks Σ = Σ_k λ_k P_k:', latex: '\\Sigma = \\lambda_\\theta\\,\\theta\\theta^\\top + \\lambda_v\\, v v^\\top + \\sigma^2 \\big(I - \\theta\\theta^\\top - v v^\\top\\big)' },
    { text: 'GD and spectral GD (polar factor of the gradient, G = U S Vᵀ):', latex: '\\text{GD: } W \\leftarrow W - \\tilde\\eta\\, \\nabla L(W),\\qquad \\text{SpecGD: } W \\leftarrow W - \\eta\\, U V^\\top' },
    { text: 'On the block manifold W = a P_θ + b P_v + c P_bulk the dynamics close on (a, b, c) (model.md §4):', latex: 'W_t = a_t\\,\\theta\\theta^\\top + b_t\\, v v^\\top + c_t \\big(I - \\theta\\theta^\\top - v v^\\top\\big)' },
  ];
}

export interface DerivationSection {
  title: string;
  items: { label: string; latex: string }[];
}

const SECTION_TITLES: Record<string, string> = {
  steps: 'Moment calculus: loss and gradient',
  T: 'T = tr(DΣ)',
  loss: 'Reduced loss',
  gradients: 'Block gradients',
  gdMap: 'GD map',
  specgd: 'SpecGD map (polar factor in block coordinates)',
  gradientFlow: 'Gradient flow',
  signFlow: 'Sign flow',
  jacobianGd: 'Jacobian of the GD map',
  linearization: 'Linearization at a = 0: growth factors and thresholds',
  growthFactors: 'Growth factors',
  fixedPoints: 'Fixed points',
  misalignment: 'Misalignment peak (gradient flow, two-block limit)',
};

/**
 * Collect the LaTeX of a derivation document (the JSON rendering of `symbolic/derive.ts`'s `Derivation`, from
 * `report/derivation-doc.ts`), grouped by its top-level fields: every string under a key named `latex` (or an
 * array of them) becomes a display equation, labelled by its path. Checks are listed with their measured errors.
 */
export function derivationEquations(doc: unknown): { sections: DerivationSection[]; checks: string[]; note: string } {
  if (!doc || typeof doc !== 'object') return { sections: [], checks: [], note: 'No derivation in these results (run specgd reproduce, which derives the spiked model first).' };
  const sections: DerivationSection[] = [];
  const checks: string[] = [];
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    if (key === 'checks' && Array.isArray(value)) {
      for (const c of value) checks.push(summarizeCheck(c));
      continue;
    }
    const items: { label: string; latex: string }[] = [];
    collectLatex(value, '', items);
    if (items.length) sections.push({ title: SECTION_TITLES[key] ?? key, items });
  }
  return { sections, checks, note: '' };
}

function collectLatex(v: unknown, path: string, out: { label: string; latex: string }[]): void {
  if (Array.isArray(v)) {
    v.forEach((x, i) => collectLatex(x, `${path}[${i}]`, out));
    return;
  }
  if (!v || typeof v !== 'object') return;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (k === 'latex') {
      const label = path.replace(/^\./, '');
      const text = (v as { text?: unknown }).text;
      const lab = typeof text === 'string' ? text : label;
      if (typeof x === 'string') out.push({ label: lab, latex: x });
      else if (Array.isArray(x)) x.forEach((s) => typeof s === 'string' && out.push({ label: lab, latex: s }));
    } else collectLatex(x, `${path}.${k}`, out);
  }
}

function summarizeCheck(c: unknown): string {
  if (!c || typeof c !== 'object') return String(c);
  const o = c as Record<string, unknown>;
  const parts = Object.entries(o)
    .filter(([, v]) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
    .map(([k, v]) => `${k}: ${typeof v === 'number' ? fmt(v) : String(v)}`);
  return parts.join('; ');
}
