/**
 * Portable symmetric eigendecomposition on Float64Array. ml-matrix's EigenvalueDecomposition (JAMA tred2/tql2) is
 * correct, so this is a flat-array port of the same algorithm (tests compare the two), with an iteration cap so a
 * non-finite input returns a status instead of spinning forever.
 */

/** √(a² + b²) without destructive underflow or overflow. */
function hypot2(a: number, b: number): number {
  const aa = Math.abs(a);
  const ab = Math.abs(b);
  if (aa > ab) {
    const r = b / a;
    return aa * Math.sqrt(1 + r * r);
  }
  if (b !== 0) {
    const r = a / b;
    return ab * Math.sqrt(1 + r * r);
  }
  return 0;
}

/**
 * Symmetric eigendecomposition by Householder tridiagonalization (tred2) and implicit QL (tql2): the JAMA /
 * EISPACK algorithm, as in ml-matrix's EigenvalueDecomposition, ported to a flat array. `V` is worked on in
 * transposed storage (V[a·n + b] = logical V(b, a)) so the hot loops are row scans; at the end row j of `V` is
 * eigenvector j.
 */
export function symEigen(n: number, A: Float64Array, d: Float64Array, V: Float64Array, e: Float64Array): boolean {
  return symEigenCore(n, A, d, V, e, null, null);
}

/**
 * Eigenvalues of the symmetric n×n `A` (ascending, into `values`) and the coordinates coords[j] = v_jᵀx of `x` in
 * its eigenbasis, without forming the eigenvectors: the tql2 rotations are applied to Hᵀx (H the tridiagonalizing
 * transform) instead of to the n columns of H, which removes the O(n³) eigenvector update. `V` (n×n) is scratch.
 */
export function symEigenProject(n: number, A: Float64Array, x: Float64Array, values: Float64Array, coords: Float64Array, V: Float64Array, work: Float64Array): boolean {
  return symEigenCore(n, A, values, V, work, x, coords);
}

/** tred2 + tql2; with `x` and `z` given, z = (v_jᵀx)_j is rotated in place of the eigenvectors (V holds H only). */
function symEigenCore(n: number, A: Float64Array, d: Float64Array, V: Float64Array, e: Float64Array, x: Float64Array | null, z: Float64Array | null): boolean {
  // V[j*n+i] = logical V(i, j) = A(i, j) (A symmetric, so a plain copy).
  for (let i = 0; i < n * n; i++) V[i] = A[i];
  if (n === 1) {
    d[0] = A[0];
    V[0] = 1;
    if (x && z) z[0] = x[0];
    return Number.isFinite(A[0]);
  }
  // ---- tred2 ----
  for (let j = 0; j < n; j++) d[j] = V[j * n + n - 1];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = V[j * n + i - 1];
        V[j * n + i] = 0;
        V[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        V[i * n + j] = f;
        g = e[j] + V[j * n + j] * f;
        const row = j * n;
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[row + k] * d[k];
          e[k] += V[row + k] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        const row = j * n;
        for (let k = j; k <= i - 1; k++) V[row + k] -= f * e[k] + g * d[k];
        d[j] = V[row + i - 1];
        V[row + i] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    V[i * n + n - 1] = V[i * n + i];
    V[i * n + i] = 1;
    const h = d[i + 1];
    const r1 = (i + 1) * n;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[r1 + k] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        const rj = j * n;
        for (let k = 0; k <= i; k++) g += V[r1 + k] * V[rj + k];
        for (let k = 0; k <= i; k++) V[rj + k] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) V[r1 + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[j * n + n - 1];
    V[j * n + n - 1] = 0;
  }
  V[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
  // Projected mode: z_a = (column a of H)ᵀ x (row a of V in transposed storage); the rotations below act on z.
  const project = x !== null && z !== null;
  if (project) {
    for (let a = 0; a < n; a++) {
      let s = 0;
      const ra = a * n;
      for (let b = 0; b < n; b++) s += V[ra + b] * x[b];
      z[a] = s;
    }
  }
  // ---- tql2 ----
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = Number.EPSILON;
  const maxIter = 60;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    if (!Number.isFinite(tst1)) return false;
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > maxIter) return false;
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = hypot2(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = hypot2(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          if (project) {
            h = z![i + 1];
            z![i + 1] = s * z![i] + c * h;
            z![i] = c * z![i] - s * h;
          } else {
            const ri = i * n;
            const ri1 = ri + n;
            for (let k = 0; k < n; k++) {
              h = V[ri1 + k];
              V[ri1 + k] = s * V[ri + k] + c * h;
              V[ri + k] = c * V[ri + k] - s * h;
            }
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
  // Sort ascending (selection sort, swapping eigenvector rows).
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    let p = d[i];
    for (let j = i + 1; j < n; j++) {
      if (d[j] < p) {
        k = j;
        p = d[j];
      }
    }
    if (k !== i) {
      d[k] = d[i];
      d[i] = p;
      if (project) {
        const t = z![i];
        z![i] = z![k];
        z![k] = t;
        continue;
      }
      const ri = i * n;
      const rk = k * n;
      for (let j = 0; j < n; j++) {
        const t = V[ri + j];
        V[ri + j] = V[rk + j];
        V[rk + j] = t;
      }
    }
  }
  return true;
}
