/**
 * What the selective-classification metrics (selective.ts) share: their error type, the checks
 * of their inputs, and the score groups (the distinct scores in decreasing order with the
 * positives and negatives at each) that the ROC, TPR-x accuracy and accuracy–coverage build on.
 */

/** Booleans, or numbers that are 0 or 1 (1 / true = correct, or positive). */
export type BinaryLabels = ArrayLike<boolean> | ArrayLike<number>;

export const SELECTIVE_ERROR_CODES = ['length', 'empty', 'nan', 'infinite', 'label', 'range', 'one-class', 'no-correct'] as const;
export type SelectiveErrorCode = (typeof SELECTIVE_ERROR_CODES)[number];

export class SelectiveMetricError extends Error {
  constructor(
    message: string,
    readonly code: SelectiveErrorCode,
  ) {
    super(message);
    this.name = 'SelectiveMetricError';
  }
}

export function isSelectiveMetricError(e: unknown): e is SelectiveMetricError {
  return e instanceof SelectiveMetricError;
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

/** Probabilities may exceed [0, 1] by this much (float32 softmax on a GPU backend). */
export const PROBABILITY_SLACK = 1e-6;

export function fail(fn: string, message: string, code: SelectiveErrorCode): never {
  throw new SelectiveMetricError(`${fn}: ${message}`, code);
}

export function checkLengths(fn: string, arrays: Record<string, ArrayLike<unknown>>): number {
  const names = Object.keys(arrays);
  const n = arrays[names[0]].length;
  for (const name of names.slice(1)) {
    const m = arrays[name].length;
    if (m !== n) fail(fn, `${names[0]} has ${n} entries but ${name} has ${m}`, 'length');
  }
  if (n === 0) fail(fn, 'no inputs (the arrays are empty)', 'empty');
  return n;
}

/** Copies scores to float64, refusing NaN and ±Infinity (sklearn refuses both too). */
export function readScores(fn: string, name: string, a: ArrayLike<number>): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (typeof v !== 'number') fail(fn, `${name}[${i}] is not a number (${String(v)})`, 'nan');
    if (Number.isNaN(v)) fail(fn, `${name}[${i}] is NaN`, 'nan');
    if (!Number.isFinite(v)) fail(fn, `${name}[${i}] is ${v} (scores must be finite)`, 'infinite');
    out[i] = v;
  }
  return out;
}

export function readProbabilities(fn: string, name: string, a: ArrayLike<number>): Float64Array {
  const out = readScores(fn, name, a);
  for (let i = 0; i < out.length; i++) {
    if (out[i] < -PROBABILITY_SLACK || out[i] > 1 + PROBABILITY_SLACK) {
      fail(fn, `${name}[${i}] = ${out[i]} is not a probability in [0, 1]`, 'range');
    }
  }
  return out;
}

export function readLabels(fn: string, name: string, a: BinaryLabels): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const v = a[i] as unknown;
    if (v === true || v === 1) out[i] = 1;
    else if (v === false || v === 0) out[i] = 0;
    else fail(fn, `${name}[${i}] must be true/false or 1/0, got ${String(v)}`, 'label');
  }
  return out;
}

export function checkTpr(fn: string, tpr: number): void {
  if (typeof tpr !== 'number' || Number.isNaN(tpr) || !(tpr > 0 && tpr <= 1)) {
    fail(fn, `tpr must be in (0, 1], got ${String(tpr)}`, 'range');
  }
}

export function checkXi(fn: string, xi: number): void {
  if (typeof xi !== 'number' || Number.isNaN(xi) || !(xi >= 0 && xi < 1)) {
    fail(fn, `xi must be in [0, 1), got ${String(xi)}`, 'range');
  }
}

// ---------------------------------------------------------------------------------------------
// Score groups: the distinct scores in decreasing order, with the positives and negatives at each
// (what sklearn's _binary_clf_curve builds; tied inputs always fall on the same side of a
// threshold).
// ---------------------------------------------------------------------------------------------

export interface ScoreGroups {
  /** Distinct scores, decreasing. */
  values: number[];
  /** Positives (correct) scoring exactly values[k]. */
  pos: number[];
  /** Negatives (wrong) scoring exactly values[k]. */
  neg: number[];
  /** Cumulative positives / negatives with score ≥ values[k] (sklearn's tps, fps). */
  tps: number[];
  fps: number[];
  P: number;
  N: number;
}

export function groupScores(scores: Float64Array, labels: Uint8Array): ScoreGroups {
  const n = scores.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // Decreasing score; −0 and +0 compare equal, as in numpy.
  order.sort((a, b) => (scores[b] > scores[a] ? 1 : scores[b] < scores[a] ? -1 : 0));
  const g: ScoreGroups = { values: [], pos: [], neg: [], tps: [], fps: [], P: 0, N: 0 };
  let k = -1;
  for (let j = 0; j < n; j++) {
    const i = order[j];
    const s = scores[i];
    if (k < 0 || s !== g.values[k]) {
      g.values.push(s);
      g.pos.push(0);
      g.neg.push(0);
      k++;
    }
    if (labels[i]) g.pos[k]++;
    else g.neg[k]++;
  }
  let tp = 0;
  let fp = 0;
  for (let m = 0; m < g.values.length; m++) {
    tp += g.pos[m];
    fp += g.neg[m];
    g.tps.push(tp);
    g.fps.push(fp);
  }
  g.P = tp;
  g.N = fp;
  return g;
}

/**
 * The ROC points as sklearn.metrics.roc_curve builds them: one per distinct score (keep
 * score ≥ threshold), optionally without the interior points collinear with their neighbours
 * (drop_intermediate: a point is dropped when the second differences of both fps and tps vanish
 * there), then the point (0, 0) prepended with threshold +Infinity. `group[k]` is the index into
 * the groups of point k (−1 for the prepended point).
 */
export function rocPoints(g: ScoreGroups, dropIntermediate: boolean): { tps: number[]; fps: number[]; thresholds: number[]; group: number[] } {
  const m = g.values.length;
  let keep: number[] = [];
  if (dropIntermediate && m > 2) {
    keep.push(0);
    for (let j = 1; j < m - 1; j++) {
      const d2f = g.fps[j + 1] - 2 * g.fps[j] + g.fps[j - 1];
      const d2t = g.tps[j + 1] - 2 * g.tps[j] + g.tps[j - 1];
      if (d2f !== 0 || d2t !== 0) keep.push(j);
    }
    keep.push(m - 1);
  } else {
    keep = Array.from({ length: m }, (_, j) => j);
  }
  return {
    tps: [0, ...keep.map((j) => g.tps[j])],
    fps: [0, ...keep.map((j) => g.fps[j])],
    thresholds: [Infinity, ...keep.map((j) => g.values[j])],
    group: [-1, ...keep],
  };
}
