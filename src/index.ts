/** Public typed API of specgd: re-exports only. */
export * from './core/errors.js';
export * from './core/trajectory.js';
export * from './config/config.js';
export { DEFAULTS } from './config/defaults.js';
export { PRESETS, presetNames } from './config/presets.js';
export * from './model/spec.js';
export * from './model/algorithms.js';
