/**
 * 2-D toy datasets for the robustness playground: three Gaussian classes (paper 001, Appendix
 * A.2, the data of its Figure 1), two moons, circles, spirals and XOR. Each is generated from
 * (size, noise, seed) and split into train and test sets; the same config always gives the same
 * points.
 *
 * Three Gaussians: the paper says only "a synthetic three-class dataset, where each class follows
 * a Gaussian distribution" with N = 1000. We use the geometry of the authors' released data
 * generator (ymerkli/robust-abstain, "threegauss"): class 0 around (0.25, 0.25) with 31/64 of the
 * points, class 1 around (0.75, 0.75) with half of them, and a small class 2 — 1/64 of the
 * points, std (noise/3, noise/2) — at (0.55, 0.8), next to class 1. That small class is what
 * robust training gives up on (the paper: its regions "happen to be too small to be visible"),
 * and its 1.6% of points are TRADES' robust inaccuracy in the paper's Figure 1.
 */
import { Rng, deriveSeed } from '../random';

export const DATASET2D_KINDS = ['gaussians3', 'moons', 'circles', 'spirals', 'xor'] as const;
export type Dataset2dKind = (typeof DATASET2D_KINDS)[number];

export interface Dataset2dConfig {
  kind: Dataset2dKind;
  /** Total number of points (train + test). */
  size: number;
  /** Spread of the classes: the std of the Gaussian noise added to each point. */
  noise: number;
  /** Fraction of the points held out as the test set, in [0, 1). */
  testFraction: number;
  seed: number;
}

export interface Bounds2d {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

export interface Dataset2d {
  config: Dataset2dConfig;
  numClasses: number;
  /** Row-major n x 2 coordinates. */
  xTrain: Float32Array;
  yTrain: Int32Array;
  xTest: Float32Array;
  yTest: Int32Array;
  /** A square region around all points (10% margin), the default domain of the plots. */
  bounds: Bounds2d;
}

/** Default noise and class count per dataset kind. */
export const DATASET2D_INFO: Record<Dataset2dKind, { label: string; numClasses: number; noise: number }> = {
  gaussians3: { label: 'Three Gaussians (Merkli et al., Fig. 1)', numClasses: 3, noise: 0.05 },
  moons: { label: 'Two moons', numClasses: 2, noise: 0.1 },
  circles: { label: 'Circles', numClasses: 2, noise: 0.08 },
  spirals: { label: 'Spirals', numClasses: 2, noise: 0.05 },
  xor: { label: 'XOR', numClasses: 2, noise: 0.05 },
};

export const DATASET2D_DEFAULTS: Dataset2dConfig = {
  kind: 'gaussians3',
  size: 1000,
  noise: DATASET2D_INFO.gaussians3.noise,
  testFraction: 0.2,
  seed: 1,
};

/** Means, share of the points and per-axis std (in units of `noise`) of the three Gaussians. */
const GAUSSIANS: Array<{ mean: [number, number]; share: number; std: [number, number] }> = [
  { mean: [0.25, 0.25], share: 31 / 64, std: [1, 1] },
  { mean: [0.75, 0.75], share: 32 / 64, std: [1, 1] },
  { mean: [0.55, 0.8], share: 1 / 64, std: [1 / 3, 1 / 2] },
];
const CIRCLE_RADII = [1, 0.5];
const SPIRAL_TURNS = 1.75;

/** Noise-free point of class c at parameter t in [0, 1) (the class manifold). */
function manifoldPoint(kind: Dataset2dKind, c: number, t: number, rng: Rng): [number, number] {
  switch (kind) {
    case 'gaussians3':
      return GAUSSIANS[c].mean;
    case 'moons': {
      const a = Math.PI * t;
      return c === 0 ? [Math.cos(a) - 0.5, Math.sin(a) - 0.25] : [0.5 - Math.cos(a), 0.25 - Math.sin(a)];
    }
    case 'circles': {
      const a = 2 * Math.PI * t;
      return [CIRCLE_RADII[c] * Math.cos(a), CIRCLE_RADII[c] * Math.sin(a)];
    }
    case 'spirals': {
      const r = t;
      const a = SPIRAL_TURNS * 2 * Math.PI * t + (c === 0 ? 0 : Math.PI);
      return [r * Math.sin(a), r * Math.cos(a)];
    }
    case 'xor': {
      // A quadrant of [-1, 1]^2, kept 0.1 away from the axes; class 0 where x*y > 0.
      const sx = rng.uniform() < 0.5 ? -1 : 1;
      const sy = c === 0 ? sx : -sx;
      return [sx * (0.1 + 0.9 * t), sy * (0.1 + 0.9 * rng.uniform())];
    }
  }
}

/**
 * The class of each generated point: balanced classes in turn, or for the three Gaussians their
 * shares (31/64, 1/2, 1/64 of the points, each class at least one point).
 */
function classSequence(kind: Dataset2dKind, size: number): Int32Array {
  const out = new Int32Array(size);
  if (kind !== 'gaussians3') {
    const k = DATASET2D_INFO[kind].numClasses;
    for (let i = 0; i < size; i++) out[i] = i % k;
    return out;
  }
  const n2 = Math.max(1, Math.round(size * GAUSSIANS[2].share));
  const n0 = Math.max(1, Math.round(size * GAUSSIANS[0].share));
  for (let i = 0; i < size; i++) out[i] = i < n0 ? 0 : i < size - n2 ? 1 : 2;
  return out;
}

/** Generates a dataset; the same config always gives the same points. */
export function makeDataset2d(config: Dataset2dConfig): Dataset2d {
  const { kind, size, noise, testFraction, seed } = config;
  if (!DATASET2D_KINDS.includes(kind)) throw new Error(`Unknown dataset kind "${kind}"`);
  if (!Number.isInteger(size) || size < 2) throw new Error('size must be an integer >= 2');
  if (!(noise >= 0)) throw new Error('noise must be >= 0');
  if (!(testFraction >= 0 && testFraction < 1)) throw new Error('testFraction must be in [0, 1)');
  const numClasses = DATASET2D_INFO[kind].numClasses;
  const rng = new Rng(deriveSeed(seed, 'dataset2d', kind));
  const xs = new Float32Array(size * 2);
  const ys = new Int32Array(size);
  const classes = classSequence(kind, size);
  for (let i = 0; i < size; i++) {
    const c = classes[i];
    const [mx, my] = manifoldPoint(kind, c, rng.uniform(), rng);
    const [sx, sy] = kind === 'gaussians3' ? GAUSSIANS[c].std : [1, 1];
    xs[2 * i] = mx + noise * sx * rng.normal();
    xs[2 * i + 1] = my + noise * sy * rng.normal();
    ys[i] = c;
  }
  const order = rng.permutation(size);
  const nTest = Math.round(size * testFraction);
  const take = (idx: Int32Array) => {
    const x = new Float32Array(idx.length * 2);
    const y = new Int32Array(idx.length);
    idx.forEach((j, k) => {
      x[2 * k] = xs[2 * j];
      x[2 * k + 1] = xs[2 * j + 1];
      y[k] = ys[j];
    });
    return { x, y };
  };
  const test = take(order.subarray(0, nTest));
  const train = take(order.subarray(nTest));
  return {
    config: { ...config },
    numClasses,
    xTrain: train.x,
    yTrain: train.y,
    xTest: test.x,
    yTest: test.y,
    bounds: squareBounds(xs),
  };
}

/** The smallest square holding all points, with a 10% margin on each side. */
export function squareBounds(xs: Float32Array): Bounds2d {
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (let i = 0; i < xs.length; i += 2) {
    xMin = Math.min(xMin, xs[i]);
    xMax = Math.max(xMax, xs[i]);
    yMin = Math.min(yMin, xs[i + 1]);
    yMax = Math.max(yMax, xs[i + 1]);
  }
  const cx = (xMin + xMax) / 2;
  const cy = (yMin + yMax) / 2;
  const half = (Math.max(xMax - xMin, yMax - yMin) / 2) * 1.1 || 1;
  return { xMin: cx - half, xMax: cx + half, yMin: cy - half, yMax: cy + half };
}

/**
 * The label the generator's noise-free rule gives a point: for the three Gaussians the Bayes
 * rule of the mixture (at the default noise), otherwise the class whose manifold (arc, circle,
 * spiral arm, quadrant) is nearest. Used to colour grid points by the 4-way split, since grid
 * points have no sampled label.
 */
export function groundTruthLabels2d(kind: Dataset2dKind, points: Float32Array): Int32Array {
  const n = points.length / 2;
  const out = new Int32Array(n);
  if (kind === 'xor') {
    for (let i = 0; i < n; i++) out[i] = points[2 * i] * points[2 * i + 1] > 0 ? 0 : 1;
    return out;
  }
  if (kind === 'gaussians3') {
    // The Bayes rule of the generating mixture: argmax_k log share_k + log N(x; mean_k, diag std_k²)
    // (the std's common factor `noise` only scales the quadratic term; 0.05 is the default).
    const noise = DATASET2D_INFO.gaussians3.noise;
    for (let i = 0; i < n; i++) {
      let best = -Infinity;
      GAUSSIANS.forEach((g, c) => {
        const dx = (points[2 * i] - g.mean[0]) / (noise * g.std[0]);
        const dy = (points[2 * i + 1] - g.mean[1]) / (noise * g.std[1]);
        const score = Math.log(g.share) - Math.log(g.std[0] * g.std[1]) - 0.5 * (dx * dx + dy * dy);
        if (score > best) {
          best = score;
          out[i] = c;
        }
      });
    }
    return out;
  }
  if (kind === 'circles') {
    const mid = (CIRCLE_RADII[0] + CIRCLE_RADII[1]) / 2;
    for (let i = 0; i < n; i++) out[i] = Math.hypot(points[2 * i], points[2 * i + 1]) > mid ? 0 : 1;
    return out;
  }
  // Nearest sampled manifold point (polylines for moons and spirals).
  const numClasses = DATASET2D_INFO[kind].numClasses;
  const samples = 400;
  const dummy = new Rng(0);
  const curves: Array<Array<[number, number]>> = [];
  for (let c = 0; c < numClasses; c++) {
    const curve: Array<[number, number]> = [];
    for (let s = 0; s < samples; s++) curve.push(manifoldPoint(kind, c, s / Math.max(1, samples - 1), dummy));
    curves.push(curve);
  }
  for (let i = 0; i < n; i++) {
    const px = points[2 * i];
    const py = points[2 * i + 1];
    let best = Infinity;
    let bestClass = 0;
    curves.forEach((curve, c) => {
      for (const [qx, qy] of curve) {
        const d = (px - qx) ** 2 + (py - qy) ** 2;
        if (d < best) {
          best = d;
          bestClass = c;
        }
      }
    });
    out[i] = bestClass;
  }
  return out;
}

/** A rows x cols grid over the bounds, row-major from (xMin, yMin); returns n x 2 points. */
export function makeGrid2d(bounds: Bounds2d, resolution: number): Float32Array {
  const pts = new Float32Array(resolution * resolution * 2);
  const dx = (bounds.xMax - bounds.xMin) / (resolution - 1);
  const dy = (bounds.yMax - bounds.yMin) / (resolution - 1);
  let k = 0;
  for (let r = 0; r < resolution; r++) {
    for (let c = 0; c < resolution; c++) {
      pts[k++] = bounds.xMin + c * dx;
      pts[k++] = bounds.yMin + r * dy;
    }
  }
  return pts;
}
