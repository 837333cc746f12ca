/**
 * The claims registry: every claim of model.md §6 the tool measures, in report order (claims.json keeps this
 * order). A new claim is one file in this folder exporting a `ClaimDefinition`, plus one line here.
 */
import type { ClaimDefinition } from './definition.js';
import { gdBulkSlowDecay } from './gd-bulk-slow-decay.js';
import { gdGrowth } from './gd-growth.js';
import { gdSpikeOutgrowsIff } from './gd-spike-outgrows-iff.js';
import { gdSpikeThreshold } from './gd-spike-threshold.js';
import { gdStableStepLinearized } from './gd-stable-step-linearized.js';
import { gdStableStepShrinks } from './gd-stable-step-shrinks.js';
import { finiteSamplePicture } from './finite-sample-picture.js';
import { finiteSampleRate } from './finite-sample-rate.js';
import { finiteSampleCorrection } from './finite-sample-correction.js';
import { powerlawPicture } from './powerlaw-picture.js';
import { specgdBulkManifold, specgdBulkSteps } from './specgd-bulk-manifold.js';
import { specgdEndState } from './specgd-end-state.js';
import { specgdNoSpikeAmplification } from './specgd-no-spike-amplification.js';
import { specgdSignalRate } from './specgd-signal-rate.js';
import { specgdUpdateNorm } from './specgd-update-norm.js';
import { optimizerMuonMomentum } from './optimizer-muon-momentum.js';
import { optimizerNsStepFactors } from './optimizer-ns-step-factors.js';
import { optimizerAdamBasis } from './optimizer-adam-basis.js';
import { optimizerSpecgdBasis } from './optimizer-specgd-basis.js';
import { anglePhi0Exact } from './angle-phi0-exact.js';
import { angleSpecgdEscape } from './angle-specgd-escape.js';
import { angleGdPhase } from './angle-gd-phase.js';
import { angleGdStableStep } from './angle-gd-stable-step.js';
import { angleSimulation } from './angle-simulation.js';

export const CLAIMS: readonly ClaimDefinition[] = [
  gdGrowth,
  gdSpikeThreshold,
  gdSpikeOutgrowsIff,
  specgdSignalRate,
  specgdNoSpikeAmplification,
  gdBulkSlowDecay,
  specgdBulkManifold,
  specgdBulkSteps,
  gdStableStepShrinks,
  gdStableStepLinearized,
  specgdUpdateNorm,
  specgdEndState,
  powerlawPicture,
  finiteSampleRate,
  finiteSampleCorrection,
  finiteSamplePicture,
  optimizerMuonMomentum,
  optimizerNsStepFactors,
  optimizerAdamBasis,
  optimizerSpecgdBasis,
  anglePhi0Exact,
  angleSpecgdEscape,
  angleGdPhase,
  angleGdStableStep,
  angleSimulation,
];

/** Does a measured claim id belong to a registry entry (its id, or `${id}-<block>` for a family)? */
export function claimBelongsTo(def: ClaimDefinition, claimId: string): boolean {
  return def.family ? claimId.startsWith(`${def.id}-`) : claimId === def.id;
}

export type { ClaimDefinition } from './definition.js';
export type { Run, RunRequest, RunSet } from './runs.js';
export { reproduceParams, type ReproduceParams } from './params.js';
export { growthFactorClaim, type GrowthFactorInput } from './gd-growth.js';
export { thresholdClaim, type ThresholdInput } from './gd-spike-threshold.js';
export { outgrowClaim, type OutgrowRun } from './gd-spike-outgrows-iff.js';
export { specgdRateClaim, type RateRun } from './specgd-signal-rate.js';
export { specgdNoAmplificationClaim } from './specgd-no-spike-amplification.js';
export { gdBulkDecayClaim } from './gd-bulk-slow-decay.js';
export { manifoldClaim, bulkStepsClaim, slidingEnergy, slidingSquares } from './specgd-bulk-manifold.js';
export { stableStepShrinksClaim, type StabilityInput } from './gd-stable-step-shrinks.js';
export { stableStepLinearizedClaim } from './gd-stable-step-linearized.js';
export { specgdStepNormClaim } from './specgd-update-norm.js';
export { endStateClaim, exponentFit, type EndCycle, type EndStateQuantity } from './specgd-end-state.js';
export { qualitativeClaim } from './powerlaw-picture.js';
export { finiteSampleScalingClaim } from './finite-sample-rate.js';
export { finiteSamplePictureClaim } from './finite-sample-picture.js';
export { phi0Claim, maxRelativeDeviation } from './angle-phi0-exact.js';
export { specgdEscapeClaims } from './angle-specgd-escape.js';
export { phaseClaims } from './angle-gd-phase.js';
export { stableStepClaim } from './angle-gd-stable-step.js';
export { simulationClaim } from './angle-simulation.js';
export { UNIT_ROUNDOFF, FALSE_ALARM, POWER, END_CYCLE_FRACTION, slopeTolerance, slopePower } from './constants.js';
