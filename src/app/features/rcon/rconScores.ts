/**
 * Confidence and R-Con read from a model's logits and auxiliary logit at any temperature τ, in
 * the page (Pang et al., Eq. 3 and Fig. 3): Con_τ = max softmax(z/τ), R-Con_τ = Con_τ · sigmoid(a).
 * The worker sends the raw outputs once; moving the temperature slider recomputes these here.
 * An input with a non-finite logit or auxiliary logit is rejected by both scores (Con = R-Con = 0)
 * and has no prediction (−1), as in the worker's evaluation (rejectNonFinite).
 */
import { nonFiniteRows } from '../../../core/settings';

export interface ReadScores {
  con: Float32Array;
  rCon: Float32Array | null;
  predictions: Int32Array;
}

/** Row-major logits [n × k] and the auxiliary logits [n] (or null) → Con_τ, R-Con_τ and y_m. */
export function readScores(logits: ArrayLike<number>, aux: ArrayLike<number> | null, k: number, temperature: number): ReadScores {
  if (!(temperature > 0) || !Number.isFinite(temperature)) throw new RangeError(`The temperature must be a number > 0 (got ${temperature}).`);
  const n = Math.floor(logits.length / k);
  const con = new Float32Array(n);
  const rCon = aux ? new Float32Array(n) : null;
  const predictions = new Int32Array(n);
  const bad = nonFiniteRows(logits, n, k);
  if (aux) nonFiniteRows(aux, n, 1, bad);
  for (let i = 0; i < n; i++) {
    if (bad[i]) {
      con[i] = 0;
      if (rCon) rCon[i] = 0;
      predictions[i] = -1;
      continue;
    }
    let m = 0;
    for (let c = 1; c < k; c++) if (logits[i * k + c] > logits[i * k + m]) m = c;
    const top = logits[i * k + m] / temperature;
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp(logits[i * k + c] / temperature - top);
    con[i] = 1 / sum;
    predictions[i] = m;
    if (rCon && aux) rCon[i] = con[i] / (1 + Math.exp(-aux[i]));
  }
  return { con, rCon, predictions };
}
