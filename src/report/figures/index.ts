/**
 * The figures registry, in report order. A new figure is one file in this folder exporting a `FigureDefinition`,
 * plus one line here.
 */
import type { FigureDefinition } from './definition.js';
import { fig1Coefficients } from './fig1-coefficients.js';
import { fig2Alignment } from './fig2-alignment.js';
import { fig3Loss } from './fig3-loss.js';
import { fig4Escape } from './fig4-escape.js';
import { fig5Bulk } from './fig5-bulk.js';
import { fig6Stability } from './fig6-stability.js';
import { fig7Powerlaw } from './fig7-powerlaw.js';
import { fig8FiniteSample } from './fig8-finite-sample.js';
import { fig9Optimizers } from './fig9-optimizers.js';
import { fig10Basis } from './fig10-basis.js';
import { fig11Angle } from './fig11-angle.js';
import { fig12AnglePhase } from './fig12-angle-phase.js';
import { fig13FiniteCorrection } from './fig13-finite-correction.js';

export const FIGURES: readonly FigureDefinition[] = [fig1Coefficients, fig2Alignment, fig3Loss, fig4Escape, fig5Bulk, fig6Stability, fig7Powerlaw, fig8FiniteSample, fig9Optimizers, fig10Basis, fig11Angle, fig12AnglePhase, fig13FiniteCorrection];

export type { FigureDefinition, FigureSection } from './definition.js';
