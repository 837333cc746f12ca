/**
 * Server-side LaTeX with KaTeX (HTML output; the KaTeX CSS and fonts are inlined by html.ts, so nothing loads from
 * the network). A LaTeX string KaTeX cannot parse is a bug in its producer: it is rendered as KaTeX's visible
 * error span and recorded in `warnings` (the browser test fails on any `.katex-error`).
 */
import katex from 'katex';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface MathRenderer {
  render(latex: string, display?: boolean): string;
  warnings: string[];
}

export function createMathRenderer(): MathRenderer {
  const warnings: string[] = [];
  return {
    warnings,
    render(latex: string, display = false): string {
      try {
        return katex.renderToString(latex, { displayMode: display, throwOnError: true, output: 'html', strict: 'ignore' });
      } catch (e) {
        warnings.push(`KaTeX could not render ${JSON.stringify(latex)}: ${(e as Error).message}`);
        return katex.renderToString(latex, { displayMode: display, throwOnError: false, output: 'html', strict: 'ignore' });
      }
    },
  };
}

const require = createRequire(import.meta.url);

/** katex.min.css with every font inlined as a woff2 data URI (woff/ttf fallbacks dropped). */
export function katexCssInlined(): string {
  const dist = dirname(require.resolve('katex')); // …/katex/dist/katex.js
  const css = readFileSync(join(dist, 'katex.min.css'), 'utf8');
  const fonts = new Map<string, string>();
  for (const f of readdirSync(join(dist, 'fonts'))) if (f.endsWith('.woff2')) fonts.set(f, readFileSync(join(dist, 'fonts', f)).toString('base64'));
  return css.replace(/src:url\(fonts\/([^)]+?\.woff2)\) format\("woff2"\)(,url\([^)]*\) format\("[^"]*"\))*/g, (_m, file: string) => {
    const b64 = fonts.get(file);
    return b64 ? `src:url(data:font/woff2;base64,${b64}) format("woff2")` : 'src:local("Times New Roman")';
  });
}

/** The chart.js UMD bundle, to inline in the HTML report. */
export function chartJsUmd(): string {
  return readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8'); // …/chart.js/dist/chart.cjs
}
