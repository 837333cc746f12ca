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

type Ex = { latex: string; infix?: string };
type DerivationDoc = {
  model?: { title?: string };
  blocks?: { symbol: string; name: string }[];
  symbols?: { name: string; latex: string }[];
  steps?: { text: string; latex: string[] }[];
  T?: Ex;
  loss?: Ex;
  gradients?: Ex[];
  gradientsInT?: (Ex | null)[] | null;
  gdMap?: Ex[];
  specgdSteps?: { text: string; latex: string[] }[];
  specgdMap?: (Ex & { short?: Ex })[];
  gradientFlow?: Ex[];
  signFlow?: (Ex & { short?: Ex })[];
  growthFactors?: Ex[];
  growthFactorsNumeric?: Ex[];
  thresholds?: { block: string; inequality: Ex | null; holds: boolean }[];
  misalignmentPeak?: { latex: string[]; t: number; value: number } | null;
  checks?: unknown[];
};

/**
 * The derivation document (the JSON of `report/derivation-doc.ts`'s `derivationJson`, written by the symbolic
 * engine's helper) as report sections: moment calculus steps, T, loss, block gradients, GD and SpecGD maps, flows,
 * growth factors and thresholds, the misalignment peak; the checks with their measured errors. A document of
 * another shape is rendered generically (every `latex` field, grouped by top-level key).
 */
export function derivationEquations(doc: unknown): { sections: DerivationSection[]; checks: string[]; note: string } {
  if (!doc || typeof doc !== 'object') return { sections: [], checks: [], note: 'No derivation in these results (specgd reproduce derives the spiked model and stores it in data/results.json).' };
  const d = doc as DerivationDoc;
  const checks = Array.isArray(d.checks) ? d.checks.map(summarizeCheck) : [];
  if (!d.blocks || !d.gradients || !d.loss) return { sections: genericSections(doc), checks, note: '' };
  const latexOf = new Map((d.symbols ?? []).map((s) => [s.name, s.latex]));
  const sym = d.blocks.map((b) => latexOf.get(b.symbol) ?? b.symbol);
  const per = (xs: Ex[] | undefined, lhs: (k: number) => string, label: (k: number) => string = (k) => d.blocks![k].name) =>
    (xs ?? []).map((e, k) => ({ label: label(k), latex: `${lhs(k)} ${e.latex}` }));
  const sections: DerivationSection[] = [];
  if (d.steps?.length) sections.push({ title: 'Moment calculus: loss and gradient', items: d.steps.flatMap((st) => st.latex.map((l, i) => ({ label: i === 0 ? st.text : '', latex: l }))) });
  const lossItems = [...(d.T ? [{ label: 'T = tr(DΣ)', latex: `T = ${d.T.latex}` }] : []), { label: 'reduced population loss', latex: `L = ${d.loss.latex}` }];
  sections.push({ title: 'Reduced loss', items: lossItems });
  const inT = d.gradientsInT && d.gradientsInT.every((e) => e) ? (d.gradientsInT as Ex[]) : undefined;
  sections.push({
    title: 'Block gradients (∇L = Σ_k g_k P_k)',
    items: [...per(d.gradients, (k) => `g_{${sym[k]}} =`), ...per(inT, (k) => `g_{${sym[k]}} =`, (k) => `${d.blocks![k].name}, through T (found and verified by the engine)`)],
  });
  sections.push({ title: 'GD map', items: per(d.gdMap, (k) => `${sym[k]} \\leftarrow`) });
  if (d.specgdSteps?.length) sections.push({ title: 'SpecGD: the polar factor in block coordinates', items: d.specgdSteps.flatMap((st) => st.latex.map((l, i) => ({ label: i === 0 ? st.text : '', latex: l }))) });
  sections.push({ title: 'SpecGD map', items: per(d.specgdMap?.map((e) => e.short ?? e), (k) => `${sym[k]} \\leftarrow`) });
  sections.push({ title: 'Gradient flow (t = η̃k) and sign flow (t = ηk)', items: [...per(d.gradientFlow, (k) => `\\dot ${sym[k]} =`, (k) => `gradient flow, ${d.blocks![k].name}`), ...per(d.signFlow?.map((e) => e.short ?? e), (k) => `\\dot ${sym[k]} =`, (k) => `sign flow, ${d.blocks![k].name}`)] });
  const growth = per(d.growthFactors, (k) => `${sym[k]}_{k+1}/${sym[k]}_k \\approx`, (k) => `GD growth factor near a = 0, ${d.blocks![k].name}`);
  const thr = (d.thresholds ?? []).filter((t) => t.inequality).map((t) => ({ label: `the ${t.block} block outgrows the signal iff (${t.holds ? 'holds' : 'does not hold'} in this model)`, latex: t.inequality!.latex }));
  sections.push({ title: 'Linearization at a = 0: growth factors and anisotropy thresholds', items: [...growth, ...thr] });
  if (d.misalignmentPeak?.latex?.length) sections.push({ title: 'Misalignment peak (gradient flow, two-block limit)', items: d.misalignmentPeak.latex.map((l) => ({ label: '', latex: l })) });
  return { sections: sections.filter((s) => s.items.length), checks, note: '' };
}

function genericSections(doc: unknown): DerivationSection[] {
  const sections: DerivationSection[] = [];
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    if (key === 'checks') continue;
    const items: { label: string; latex: string }[] = [];
    collectLatex(value, '', items);
    if (items.length) sections.push({ title: key, items });
  }
  return sections;
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
  if (typeof o.title === 'string' && typeof o.error === 'number' && typeof o.tolerance === 'number') {
    return `${o.title}: error ${fmt(o.error)} (tolerance ${fmt(o.tolerance)}${typeof o.toleranceRule === 'string' ? `, ${o.toleranceRule}` : ''})${typeof o.method === 'string' ? ` — ${o.method}` : ''}`;
  }
  const parts = Object.entries(o)
    .filter(([, v]) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
    .map(([k, v]) => `${k}: ${typeof v === 'number' ? fmt(v) : String(v)}`);
  return parts.join('; ');
}
