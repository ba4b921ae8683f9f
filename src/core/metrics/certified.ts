/**
 * Metrics of smoothed classifiers from certification rows.
 *  - Approximate certified accuracy at radius r (Cohen et al. 2019, Section 4; paper 002): the
 *    fraction of inputs certified, correct, with radius ≥ r.
 *  - ACR, the average certified radius (Zhai et al. 2020; paper 002): the mean over the set of
 *    the radius of correct certified inputs, wrong or abstained inputs counting 0.
 *  - Robustness-indicator selection for smoothed models (paper 001, Section 5 / Eq. 12–13):
 *    select x iff its certified radius ≥ eps (and it was not abstained); robust accuracy = the
 *    share selected and correct, robust inaccuracy = the share selected and wrong.
 */
import type { CertificationRow } from '../certify/log';

/** Certified accuracy at radius r. */
export function certifiedAccuracyAt(rows: readonly CertificationRow[], r: number): number {
  if (!rows.length) return 0;
  let k = 0;
  for (const row of rows) if (row.correct === 1 && (row.radius ?? 0) >= r) k++;
  return k / rows.length;
}

/** Average certified radius (wrong and abstained inputs count 0). */
export function averageCertifiedRadius(rows: readonly CertificationRow[]): number {
  if (!rows.length) return 0;
  let s = 0;
  for (const row of rows) if (row.correct === 1) s += row.radius ?? 0;
  return s / rows.length;
}

export interface CurvePoint {
  radius: number;
  accuracy: number;
}

/**
 * The whole certified-accuracy curve as a step function: one point at radius 0 and one at every
 * distinct radius of a correct input (where the curve steps down), then 0 beyond the largest.
 */
export function certifiedAccuracyCurve(rows: readonly CertificationRow[]): CurvePoint[] {
  if (!rows.length) return [];
  const radii = rows.filter((r) => r.correct === 1).map((r) => r.radius ?? 0).sort((a, b) => a - b);
  const out: CurvePoint[] = [{ radius: 0, accuracy: radii.length / rows.length }];
  for (let i = 0; i < radii.length; ) {
    let j = i;
    while (j < radii.length && radii[j] === radii[i]) j++;
    // Just past radii[i], the inputs with that radius drop out.
    out.push({ radius: radii[i], accuracy: (radii.length - i) / rows.length });
    out.push({ radius: radii[i], accuracy: (radii.length - j) / rows.length });
    i = j;
  }
  return out;
}

/** Certified accuracy at a list of radii (the tables of papers 002 and 003). */
export function certifiedAccuracyTable(rows: readonly CertificationRow[], radii: readonly number[]): number[] {
  return radii.map((r) => certifiedAccuracyAt(rows, r));
}

export interface SmoothedSelection {
  /** Share of inputs selected (certified with radius ≥ eps). */
  selected: number;
  robustAccuracy: number;
  robustInaccuracy: number;
  /** Share of inputs that abstained. */
  abstained: number;
}

/** Paper 001's robustness-indicator selector for a smoothed model at radius eps. */
export function smoothedSelection(rows: readonly CertificationRow[], eps: number): SmoothedSelection {
  const n = rows.length || 1;
  let selected = 0;
  let correct = 0;
  let abstained = 0;
  for (const row of rows) {
    if (row.predict < 0) abstained++;
    else if ((row.radius ?? 0) >= eps) {
      selected++;
      if (row.correct === 1) correct++;
    }
  }
  return { selected: selected / n, robustAccuracy: correct / n, robustInaccuracy: (selected - correct) / n, abstained: abstained / n };
}
