#!/usr/bin/env node
// Make sure Debian's OpenBLAS (libopenblas0-pthread: libopenblas.so.0 with CBLAS and LAPACK) is present for the
// native linear-algebra backend (src/core/linalg/native.ts). When it is missing and we run as root or under CI,
// install it with apt-get; otherwise say what to install and carry on (specgd then runs on the portable backend,
// and the native comparison tests are skipped outside CI).
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CANDIDATES = [
  process.env.SPECGD_OPENBLAS,
  '/usr/lib/x86_64-linux-gnu/libopenblas.so.0',
  '/usr/lib/aarch64-linux-gnu/libopenblas.so.0',
  '/usr/lib64/libopenblas.so.0',
  '/usr/lib/libopenblas.so.0',
].filter(Boolean);

function present() {
  if (CANDIDATES.some((p) => existsSync(p))) return true;
  try {
    return execSync('ldconfig -p', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().includes('libopenblas.so.0');
  } catch {
    return false;
  }
}

if (present()) process.exit(0);

const HINT = 'sudo apt-get update && sudo apt-get install -y libopenblas0-pthread';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot && !process.env.CI) {
  console.error(`specgd: libopenblas.so.0 not found; specgd will use its portable (slower) linear algebra. For speed run: ${HINT}`);
  process.exit(0);
}
const sudo = isRoot ? '' : 'sudo -n ';
console.error("specgd: libopenblas.so.0 not found; installing Debian's libopenblas0-pthread for the native backend (apt-get)...");
try {
  execSync(`${sudo}apt-get update -qq && ${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libopenblas0-pthread`, {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
} catch {
  console.error(`specgd: could not install libopenblas0-pthread. Run: ${HINT}`);
  process.exit(1);
}
if (!present()) {
  console.error('specgd: libopenblas0-pthread installed but libopenblas.so.0 is not found; set SPECGD_OPENBLAS to its path');
  process.exit(1);
}
