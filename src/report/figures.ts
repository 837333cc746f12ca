/**
 * The figure set of the report, built from a `ResultsBundle` by code (never edited by hand):
 *  1 coefficients a, b, c vs step, GD and SpecGD, several λ_v (theory lines, simulation mean ± SE)
 *  2 alignment: b/a and the cosine |⟨θ, u₁⟩| vs step
 *  3 loss (log scale)
 *  4 escape step vs λ_v, GD vs SpecGD
 *  5 bulk coefficient on log–log axes (GD's slow late decay vs SpecGD's linear contraction)
 *  6 stability: largest stable η̃ vs λ_v, and the (λ_v, η̃) phase diagram
 *  7 power-law covariance
 *  8 finite-sample runs at several n against the population theory
 */
import type { Trajectory } from '../core/trajectory.js';
import type { ResultsBundle, RunGroup } from '../compare/bundle.js';
import { seriesView } from '../compare/series.js';
import { PALETTE, type FigureSeries, type FigureSpec, type PanelSpec } from './figure-spec.js';

const ALG_LABEL: Record<string, string> = { gd: 'GD', specgd: 'SpecGD' };
const algLabel = (a: string) => ALG_LABEL[a] ?? a;

function find(trajs: Trajectory[], algorithm: string): Trajectory | undefined {
  return trajs.find((t) => t.algorithm === algorithm);
}

/** Theory line of `series` from a trajectory (absolute value when `abs`, for log axes of signed coefficients). */
function theoryLine(traj: Trajectory | undefined, series: string, label: string, color: string, abs = false, dashed = false): FigureSeries[] {
  if (!traj) return [];
  const v = seriesView(traj, series);
  if (!v) return [];
  const y = abs ? v.mean.map(Math.abs) : v.mean;
  return [{ label, role: 'theory', color, x: traj.step.length ? traj.step : traj.t, y, dashed }];
}

/**
 * Simulation markers with a mean ± SE band. At most `maxMarkers` markers (evenly spaced in the record index, or
 * in log-step for log axes) so the theory line under them stays visible.
 */
function simPoints(traj: Trajectory | undefined, series: string, label: string, color: string, maxMarkers: number, logX = false, abs = false): FigureSeries[] {
  if (!traj) return [];
  const v = seriesView(traj, series);
  if (!v) return [];
  const n = traj.step.length;
  const idx: number[] = [];
  if (n <= maxMarkers) for (let i = 0; i < n; i++) idx.push(i);
  else if (!logX) for (let i = 0; i < maxMarkers; i++) idx.push(Math.round((i * (n - 1)) / (maxMarkers - 1)));
  else {
    const s0 = Math.max(1, traj.step[0] || 1);
    const s1 = traj.step[n - 1];
    let j = 0;
    for (let i = 0; i < maxMarkers; i++) {
      const target = s0 * (s1 / s0) ** (i / (maxMarkers - 1));
      while (j + 1 < n && traj.step[j] < target) j++;
      if (!idx.includes(j)) idx.push(j);
    }
  }
  const f = abs ? Math.abs : (x: number) => x;
  const y = idx.map((i) => f(v.mean[i]));
  const se = idx.map((i) => v.se[i]);
  const hasBand = se.some((s) => s > 0);
  return [
    {
      label,
      role: 'simulation',
      color,
      x: idx.map((i) => traj.step[i]),
      y,
      ...(hasBand ? { lo: y.map((m, k) => m - se[k]), hi: y.map((m, k) => m + se[k]) } : {}),
    },
  ];
}

function coefficientPanels(groups: RunGroup[], symbol: string, name: string, logY: boolean): PanelSpec[] {
  return ['gd', 'specgd'].map((alg) => ({
    title: `${algLabel(alg)}: ${name} ${symbol}`,
    x: { label: 'step k', log: false },
    y: { label: logY ? `|${symbol}| (log scale)` : symbol, log: logY },
    series: groups.flatMap((g, i) => [
      ...theoryLine(find(g.theory, alg), symbol, `theory ${g.label}`, PALETTE[i % PALETTE.length], logY),
      ...simPoints(find(g.simulation, alg), symbol, `simulation ${g.label}`, PALETTE[i % PALETTE.length], 40, false, logY),
    ]),
  }));
}

function fig1(b: ResultsBundle): FigureSpec {
  const g = b.groups.spiked;
  return {
    id: 'fig1-coefficients',
    title: 'Block coefficients a (signal), b (spike), c (bulk) vs step',
    caption:
      'Signal a, spike b and bulk c coefficients of W under GD (left) and SpecGD (right) at several spike variances λ_v. Lines: reduced theory (the derived maps); markers with shaded bands: full-dimensional simulation, ensemble mean ± standard error.',
    panels: [...coefficientPanels(g, 'a', 'signal', false), ...coefficientPanels(g, 'b', 'spike', false), ...coefficientPanels(g, 'c', 'bulk', false)],
  };
}

function fig2(b: ResultsBundle): FigureSpec {
  const groups = b.groups.spiked;
  const panels: PanelSpec[] = [];
  for (const [series, what, log] of [
    ['ratio', 'misalignment b/a', true],
    ['alignment', 'alignment |⟨θ, u₁⟩|', false],
  ] as const) {
    for (const alg of ['gd', 'specgd']) {
      panels.push({
        title: `${algLabel(alg)}: ${what}`,
        x: { label: 'step k', log: false },
        y: { label: log ? `${what} (log scale)` : what, log },
        series: groups.flatMap((g, i) => [
          ...theoryLine(find(g.theory, alg), series, `theory ${g.label}`, PALETTE[i % PALETTE.length], log),
          ...simPoints(find(g.simulation, alg), series, `simulation ${g.label}`, PALETTE[i % PALETTE.length], 40, false, log),
        ]),
      });
    }
  }
  return {
    id: 'fig2-alignment',
    title: 'Alignment: spike-to-signal ratio b/a and cosine |⟨θ, u₁⟩| vs step',
    caption:
      'Top: the ratio b/a (log scale); GD amplifies the spike when λ_v exceeds the anisotropy threshold, SpecGD moves all blocks by the same η. Bottom: cosine between θ and the top eigenvector u₁ of WᵀW.',
    panels: panels.filter((p) => p.series.length > 0),
  };
}

function fig3(b: ResultsBundle): FigureSpec {
  const groups = b.groups.spiked;
  return {
    id: 'fig3-loss',
    title: 'Population loss L vs step (log scale)',
    caption: 'Population loss L(W) = ¼E[(f_W(x) − y)²] for GD and SpecGD; lines theory, markers simulation (mean ± SE).',
    panels: ['gd', 'specgd'].map((alg) => ({
      title: `${algLabel(alg)}: loss`,
      x: { label: 'step k', log: false },
      y: { label: 'loss L (log scale)', log: true },
      series: groups.flatMap((g, i) => [
        ...theoryLine(find(g.theory, alg), 'loss', `theory ${g.label}`, PALETTE[i % PALETTE.length]),
        ...simPoints(find(g.simulation, alg), 'loss', `simulation ${g.label}`, PALETTE[i % PALETTE.length], 40),
      ]),
    })),
  };
}

function fig4(b: ResultsBundle): FigureSpec {
  const e = b.escape;
  const series: FigureSeries[] = [];
  ['gd', 'specgd'].forEach((alg, i) => {
    const th = e.theory[alg] ?? [];
    const keep = th.map((s, j) => (s === null ? -1 : j)).filter((j) => j >= 0);
    series.push({ label: `theory ${algLabel(alg)}`, role: 'theory', color: PALETTE[i], x: keep.map((j) => e.lambdaV[j]), y: keep.map((j) => th[j] as number) });
    const sm = e.simulation[alg] ?? [];
    const ks = sm.map((s, j) => (s === null ? -1 : j)).filter((j) => j >= 0);
    series.push({ label: `simulation ${algLabel(alg)}`, role: 'marker', color: PALETTE[i], x: ks.map((j) => e.simLambdaV[j]), y: ks.map((j) => sm[j] as number) });
  });
  return {
    id: 'fig4-escape',
    title: `Escape step (signal a reaches ${e.level}) vs spike variance λ_v`,
    caption: `Number of steps until the signal coefficient a first reaches ${e.level}, GD vs SpecGD, as a function of λ_v. Lines: theory over a λ_v grid; markers: full-dimensional simulation.`,
    panels: [{ title: 'escape step vs λ_v', x: { label: 'spike variance λ_v (log scale)', log: true }, y: { label: 'escape step', log: false }, series }],
  };
}

function fig5(b: ResultsBundle): FigureSpec {
  const series: FigureSeries[] = [];
  b.groups.bulk.forEach((g) => {
    ['gd', 'specgd'].forEach((alg, i) => {
      const eta = g.config.algorithms.find((a) => a.name === alg)?.eta;
      const name = `${algLabel(alg)} (${alg === 'gd' ? 'η̃' : 'η'} = ${eta})`;
      series.push(...theoryLine(find(g.theory, alg), 'c', `theory ${name}, ${g.label}`, PALETTE[i], true));
      series.push(...simPoints(find(g.simulation, alg), 'c', `simulation ${name}`, PALETTE[i], 50, true, true));
    });
  });
  return {
    id: 'fig5-bulk',
    title: 'Bulk coefficient |c| on log–log axes',
    caption:
      "The bulk coefficient: GD's late phase decays as a power law (a straight line on log–log axes); SpecGD contracts it at a rate of order η per step until it locks into its constant-η end cycle, where |c| stays at the level reached (see the claims specgd-bulk-linear-contraction and specgd-eta-neighbourhood). The two algorithms run with their own step sizes (legend).",
    panels: [{ title: '|c| vs step', x: { label: 'step k (log scale)', log: true }, y: { label: '|c| (log scale)', log: true }, series }],
  };
}

function fig6(b: ResultsBundle): FigureSpec {
  const s = b.stability;
  const p = b.phase;
  const conv: [number, number][] = [];
  const div: [number, number][] = [];
  p.lambdaV.forEach((l, i) => p.etaTilde.forEach((e, j) => (p.diverged[i][j] ? div : conv).push([l, e])));
  return {
    id: 'fig6-stability',
    title: 'GD stability: largest stable step η̃ vs λ_v, and the (λ_v, η̃) phase diagram',
    caption: `Left: largest stable GD step η̃ from the linearization (line) and measured by a bisection scan with divergence detection (markers). Right: outcome of ${p.steps} GD steps on a (λ_v, η̃) grid. SpecGD's update has spectral norm η at every step and does not diverge.`,
    panels: [
      {
        title: 'largest stable η̃ vs λ_v',
        x: { label: 'spike variance λ_v (log scale)', log: true },
        y: { label: 'largest stable η̃ (log scale)', log: true },
        series: [
          { label: 'linearized: 2/sup μ_max(J) along the GD trajectory', role: 'theory', color: PALETTE[0], x: s.lambdaV, y: s.linearized },
          ...(s.linearizedAtOptimum
            ? [{ label: 'linearized at the optimum', role: 'theory' as const, color: PALETTE[2], dashed: true, x: s.lambdaV.filter((_, i) => s.linearizedAtOptimum![i] !== null), y: s.linearizedAtOptimum.filter((v): v is number => v !== null) }]
            : []),
          { label: 'measured from W₀ (bisection scan)', role: 'marker', color: PALETTE[1], x: s.lambdaV, y: s.measured },
        ],
      },
      {
        title: 'phase diagram (GD)',
        kind: 'scatter',
        x: { label: 'spike variance λ_v (log scale)', log: true },
        y: { label: 'step size η̃ (log scale)', log: true },
        series: [
          { label: 'does not diverge', role: 'marker', color: PALETTE[2], x: conv.map((q) => q[0]), y: conv.map((q) => q[1]) },
          { label: 'diverges', role: 'marker', color: PALETTE[1], x: div.map((q) => q[0]), y: div.map((q) => q[1]) },
          { label: 'measured stability boundary', role: 'theory', color: '#000000', x: s.lambdaV, y: s.measured, dashed: true },
        ],
      },
    ],
  };
}

function fig7(b: ResultsBundle): FigureSpec {
  const g = b.groups.powerlaw[0];
  const panels: PanelSpec[] = [];
  if (g) {
    for (const alg of ['gd', 'specgd']) {
      const th = find(g.theory, alg);
      const sm = find(g.simulation, alg);
      const symbols = Object.keys((th ?? sm)?.series ?? {}).filter((k) => /^a_\d+$/.test(k));
      panels.push({
        title: `${algLabel(alg)}: power-law covariance, coefficients a_j`,
        x: { label: 'step k', log: false },
        y: { label: 'a_j', log: false },
        series: symbols.flatMap((sym, i) => [
          ...theoryLine(th, sym, `theory ${sym}`, PALETTE[i % PALETTE.length]),
          ...simPoints(sm, sym, `simulation ${sym}`, PALETTE[i % PALETTE.length], 25),
        ]),
      });
    }
  }
  const sig = g ? `a_${(g.config.model.covariance as { signalIndex?: number }).signalIndex}` : 'a_s';
  return {
    id: 'fig7-powerlaw',
    title: `Power-law covariance λ_j = j^(−α): every direction's coefficient (signal ${sig})`,
    caption: `Diagonal covariance with power-law spectrum, the signal on direction ${sig}; the higher-variance directions before it play the spike's role. ${g ? g.label : ''}`,
    panels,
  };
}

function fig8(b: ResultsBundle): FigureSpec {
  const groups = b.groups.finiteSample;
  const panels: PanelSpec[] = [];
  for (const alg of ['gd', 'specgd']) {
    for (const [sym, name] of [
      ['a_mag', 'signal |a|'],
      ['b_mag', 'spike |b|'],
    ] as const) {
      const pop = groups[0] ? find(groups[0].theory, alg) : undefined;
      panels.push({
        title: `${algLabel(alg)}: ${name}, finite samples vs population theory`,
        x: { label: 'step k', log: false },
        y: { label: `block magnitude ${name} = ‖W P‖_F/√r`, log: false },
        series: [
          ...theoryLine(pop, sym, 'population theory', '#000000'),
          ...groups.flatMap((g, i) => simPoints(find(g.simulation, alg), sym, `simulation ${g.label}`, PALETTE[i % PALETTE.length], 40)),
        ],
      });
    }
  }
  return {
    id: 'fig8-finite-sample',
    title: 'Finite samples: full-batch runs at several n against the population theory',
    caption: 'Full-batch GD and SpecGD on a fixed sample of n Gaussian inputs (ensemble mean ± SE over seeds) against the population theory (black line). Off the block manifold W can rotate, so the block magnitudes ‖W P_k‖_F/√r_k are shown (equal to |a_k| on the manifold).',
    panels,
  };
}

/** Build the whole figure set from a results bundle. */
export function buildFigures(bundle: ResultsBundle): FigureSpec[] {
  return [fig1, fig2, fig3, fig4, fig5, fig6, fig7, fig8].map((f) => f(bundle));
}

/** The data behind a figure as CSV: one row per plotted point (figure, panel, series, role, x, y, lo, hi). */
export function figureCsv(fig: FigureSpec): string {
  const rows = ['panel,series,role,x,y,lo,hi'];
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  for (const p of fig.panels) {
    for (const s of p.series) {
      s.x.forEach((x, i) => rows.push([q(p.title), q(s.label), s.role, x, s.y[i], s.lo ? s.lo[i] : '', s.hi ? s.hi[i] : ''].join(',')));
    }
  }
  return `${rows.join('\n')}\n`;
}
