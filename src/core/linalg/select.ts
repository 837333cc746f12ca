/**
 * Which backend runs: the one place that decides (simulate, the CLI and the workers call `defaultBackend()`).
 *  - SPECGD_BACKEND unset (or "auto"): native (OpenBLAS) when koffi and libopenblas.so.0 load, otherwise portable
 *    with ONE line on stderr saying what to install;
 *  - SPECGD_BACKEND=portable | native forces one; native forced but unavailable is a ConfigError (exit 2) naming
 *    what is missing.
 * Both backends give the same results to rounding (test/sim/native*.test.ts).
 */
import { ConfigError } from '../errors.js';
import type { LinalgBackend } from './backend.js';
import { loadNativeLinalg, type NativeLoad } from './native.js';
import { portableLinalg } from './portable.js';

export type BackendName = 'portable' | 'native';

/** What to install for the native backend (printed on fallback and in the forced-native error). */
export const NATIVE_INSTALL_HINT = 'npm ci (installs koffi) and apt-get install libopenblas0-pthread (Debian/Ubuntu)';

let nativeLoad: NativeLoad | undefined;
/** The native backend, loaded once per thread (null with the reason when it cannot be). */
export function nativeLinalg(): NativeLoad {
  nativeLoad ??= loadNativeLinalg();
  return nativeLoad;
}

/** The named backend; "native" throws a ConfigError when it cannot be loaded. */
export function backendByName(name: BackendName): LinalgBackend {
  if (name === 'portable') return portableLinalg;
  const n = nativeLinalg();
  if (!n.ok) throw new ConfigError('SPECGD_BACKEND', 'native', `"portable", or "native" once it loads — ${n.reason}; install with ${NATIVE_INSTALL_HINT}`);
  return n.backend;
}

let chosen: LinalgBackend | undefined;
let warned = false;

/**
 * The backend for this process: forced by SPECGD_BACKEND, else native when available, else portable (one stderr
 * line, printed once; `quiet` suppresses it, for worker threads whose parent already printed it).
 */
export function defaultBackend(quiet = false): LinalgBackend {
  if (chosen) return chosen;
  const env = process.env.SPECGD_BACKEND;
  if (env === 'portable' || env === 'native') chosen = backendByName(env);
  else if (env === undefined || env === '' || env === 'auto') {
    const n = nativeLinalg();
    if (n.ok) chosen = n.backend;
    else {
      if (!warned && !quiet) process.stderr.write(`specgd: using the portable linear-algebra backend (slower): ${n.reason}; for speed install ${NATIVE_INSTALL_HINT}\n`);
      warned = true;
      chosen = portableLinalg;
    }
  } else throw new ConfigError('SPECGD_BACKEND', env, '"portable", "native" or unset (native when available)');
  return chosen;
}
