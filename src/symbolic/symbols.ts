/**
 * Symbol names shared by the derivation, its JSON/infix output and the CLI (issue 2):
 *   a, b, c (spiked blocks), a_1 .. a_n (diagonal / power-law), lambda_theta, lambda_v, sigma2, lambda_j,
 *   d, eta, eta_tilde, kappa (loss scale κ in L = κ E[(f − y)²]); gradient names g_a, g_1, ...
 * and their LaTeX: \lambda_\theta, \lambda_v, \sigma^2, \lambda_{j}, \eta, \tilde\eta, \kappa, a_{j}, g_{a}.
 */

const GREEK = new Set(['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'theta', 'kappa', 'lambda', 'mu', 'nu', 'sigma', 'tau', 'eta', 'rho', 'xi']);

function part(s: string): string {
  return GREEK.has(s) ? `\\${s}` : s;
}

/** LaTeX for one symbol name. */
export function symbolLatex(name: string): string {
  switch (name) {
    case 'sigma2':
      return '\\sigma^2';
    case 'eta_tilde':
      return '\\tilde\\eta';
    case 'lambda_theta':
      return '\\lambda_\\theta';
    case 'lambda_v':
      return '\\lambda_v';
    default:
      break;
  }
  const i = name.indexOf('_');
  if (i < 0) return part(name);
  const head = name.slice(0, i);
  const sub = name.slice(i + 1).split('_').map(part).join(',');
  return `${part(head)}_{${sub}}`;
}

/** Gradient symbol of a block coefficient: a → g_a, a_3 → g_3. */
export function gradSymbol(coef: string): string {
  const m = /^a_(\d+)$/.exec(coef);
  return m ? `g_${m[1]}` : `g_${coef}`;
}
