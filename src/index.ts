/** Public typed API of specgd: re-exports only. */
export * from './core/errors.js';
export * from './core/trajectory.js';
export * from './config/config.js';
export { DEFAULTS } from './config/defaults.js';
export { PRESETS, presetNames } from './config/presets.js';
export * from './model/spec.js';
export * from './model/algorithms.js';
export * from './symbolic/poly.js';
export * from './symbolic/derive.js';
export * from './symbolic/compile.js';
export type { CompiledSystem } from './symbolic/compiled.js';
export * from './dynamics/theory.js';
export * from './dynamics/stability.js';
export * from './dynamics/sweep.js';
export * from './symbolic/misalignment.js';
export * from './core/linalg.js';
export * from './sim/simulate.js';
