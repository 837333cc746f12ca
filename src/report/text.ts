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

/** A part of a report section: a displayed equation (with an optional label), a paragraph, or a table. */
export type SectionPart =
  | { kind: 'eq'; label: string; latex: string }
  | { kind: 'text'; text: string }
  | { kind: 'table'; head: string[]; rows: string[][] };

export interface DerivationSection {
  title: string;
  parts: SectionPart[];
}

type DocBlock = { kind: 'h'; text: string } | { kind: 'p'; text: string } | { kind: 'math'; latex: string } | { kind: 'table'; head: string[]; rows: string[][] };

/**
 * The derivation for the reports. `specgd reproduce` stores, next to the derivation JSON, the engine's own document
 * (`document`: the block list of report/derivation-doc.ts that `specgd derive` renders to Markdown and TeX), so the
 * report shows the same document, section by section, with its tables (fixed points, checks). A bundle without it
 * is rendered generically (every `latex` field, grouped by top-level key).
 */
export function derivationEquations(doc: unknown): { sections: DerivationSection[]; note: string } {
  if (!doc || typeof doc !== 'object') return { sections: [], note: 'No derivation in these results (specgd reproduce derives the spiked model and stores it in data/results.json).' };
  const blocks = (doc as { document?: unknown }).document;
  if (!Array.isArray(blocks)) return { sections: genericSections(doc), note: '' };
  const sections: DerivationSection[] = [];
  let current: DerivationSection | null = null;
  let label = '';
  const section = (): DerivationSection => {
    if (!current) sections.push((current = { title: 'Derivation', parts: [] }));
    return current;
  };
  for (const b of blocks as DocBlock[]) {
    if (b.kind === 'h') {
      sections.push((current = { title: b.text, parts: [] }));
      label = '';
    } else if (b.kind === 'p') {
      // A paragraph labels the equations that follow it; shown once, as text.
      if (label) section().parts.push({ kind: 'text', text: label });
      label = b.text;
    } else if (b.kind === 'math') {
      section().parts.push({ kind: 'eq', label, latex: b.latex });
      label = '';
    } else {
      if (label) section().parts.push({ kind: 'text', text: label });
      label = '';
      section().parts.push({ kind: 'table', head: b.head, rows: b.rows });
    }
  }
  if (label && current) (current as DerivationSection).parts.push({ kind: 'text', text: label });
  return { sections: sections.filter((x) => x.parts.length), note: '' };
}

function genericSections(doc: unknown): DerivationSection[] {
  const sections: DerivationSection[] = [];
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    if (key === 'checks') continue;
    const items: { label: string; latex: string }[] = [];
    collectLatex(value, '', items);
    if (items.length) sections.push({ title: key, parts: items.map((it) => ({ kind: 'eq', ...it })) });
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
