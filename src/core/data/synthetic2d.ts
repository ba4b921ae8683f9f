/**
 * 2-D toy datasets for the robustness playground: three Gaussian classes (paper 001, Appendix
 * A.2, the data of its Figure 1), two moons, circles, spirals and XOR. Each is generated from
 * (size, noise, seed) and split into train and test sets; the same config always gives the same
 * points.
 *
 * Paper 001 does not give the means and spread of its three Gaussians; we place the means on a
 * circle of radius 1.5 at 90°, 210° and 330° with isotropic standard deviation `noise` (0.45 by
 * default), which gives the figure's situation: classes that a standard MLP separates almost
 * perfectly, with a few points deep in a neighbouring class that robust training gives up on.
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
  gaussians3: { label: 'Three Gaussians (paper 001, Fig. 1)', numClasses: 3, noise: 0.45 },
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

const GAUSSIAN_RADIUS = 1.5;
const GAUSSIAN_MEANS: Array<[number, number]> = [90, 210, 330].map((deg) => {
  const a = (deg * Math.PI) / 180;
  return [GAUSSIAN_RADIUS * Math.cos(a), GAUSSIAN_RADIUS * Math.sin(a)];
});
const CIRCLE_RADII = [1, 0.5];
const SPIRAL_TURNS = 1.75;

/** Noise-free point of class c at parameter t in [0, 1) (the class manifold). */
function manifoldPoint(kind: Dataset2dKind, c: number, t: number, rng: Rng): [number, number] {
  switch (kind) {
    case 'gaussians3':
      return GAUSSIAN_MEANS[c];
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
  for (let i = 0; i < size; i++) {
    const c = i % numClasses;
    const [mx, my] = manifoldPoint(kind, c, rng.uniform(), rng);
    xs[2 * i] = mx + noise * rng.normal();
    xs[2 * i + 1] = my + noise * rng.normal();
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
 * The label the noise-free generator gives a point: the class whose manifold (mean, arc,
 * circle, spiral arm, quadrant) is nearest. Used to colour grid points by the 4-way split, since
 * grid points have no sampled label.
 */
export function groundTruthLabels2d(kind: Dataset2dKind, points: Float32Array): Int32Array {
  const n = points.length / 2;
  const out = new Int32Array(n);
  if (kind === 'xor') {
    for (let i = 0; i < n; i++) out[i] = points[2 * i] * points[2 * i + 1] > 0 ? 0 : 1;
    return out;
  }
  if (kind === 'circles') {
    const mid = (CIRCLE_RADII[0] + CIRCLE_RADII[1]) / 2;
    for (let i = 0; i < n; i++) out[i] = Math.hypot(points[2 * i], points[2 * i + 1]) > mid ? 0 : 1;
    return out;
  }
  // Nearest sampled manifold point (means for the Gaussians, polylines for moons and spirals).
  const numClasses = DATASET2D_INFO[kind].numClasses;
  const samples = kind === 'gaussians3' ? 1 : 400;
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
