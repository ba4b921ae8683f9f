/**
 * Paper 000's evaluation curves, one line per rejector score: ROC curves of the score separating
 * correctly from wrongly classified inputs, and accuracy against coverage (the share of inputs
 * kept) as the threshold moves.
 */
import type { Data, Layout } from 'plotly.js-cartesian-dist-min';
import { type RejectorScoreName, REJECTOR_SCORE_SHORT, accuracyCoverageCurve, rocAuc, rocCurve } from '../../../core/settings';

export const SCORE_COLORS: Record<RejectorScoreName, string> = { confidence: '#1f77b4', rcon: '#d62728', energy: '#2ca02c', selection: '#9467bd' };

export type ScoresByName = Partial<Record<RejectorScoreName, ArrayLike<number>>>;

const bothClasses = (correct: ArrayLike<number>) => {
  let c = 0;
  for (let i = 0; i < correct.length; i++) c += correct[i] ? 1 : 0;
  return c > 0 && c < correct.length;
};

export function rocTraces(scores: ScoresByName, correct: ArrayLike<number>): Data[] {
  if (!bothClasses(correct)) return [];
  return (Object.keys(scores) as RejectorScoreName[]).map((name) => {
    const s = scores[name]!;
    const roc = rocCurve(s, correct);
    return {
      type: 'scatter',
      mode: 'lines',
      x: Array.from(roc.fpr),
      y: Array.from(roc.tpr),
      name: `${REJECTOR_SCORE_SHORT[name]} (AUC ${rocAuc(s, correct).toFixed(3)})`,
      line: { color: SCORE_COLORS[name], width: 2 },
      hovertemplate: 'FPR %{x:.3f}, TPR %{y:.3f}<extra></extra>',
    } as Data;
  });
}

export const rocLayout: Layout = {
  margin: { l: 52, r: 10, t: 10, b: 80 },
  xaxis: { title: { text: 'wrong inputs kept (FPR)' }, range: [0, 1] },
  yaxis: { title: { text: 'correct inputs kept (TPR)' }, range: [0, 1.02] },
  legend: { orientation: 'h', y: -0.3, font: { size: 10 } },
  height: 300,
  shapes: [{ type: 'line', x0: 0, y0: 0, x1: 1, y1: 1, line: { color: '#bbb', dash: 'dot', width: 1 } }],
  uirevision: 'roc',
} as Layout;

export function coverageTraces(scores: ScoresByName, correct: ArrayLike<number>): Data[] {
  return (Object.keys(scores) as RejectorScoreName[]).map((name) => {
    const c = accuracyCoverageCurve(scores[name]!, correct);
    return {
      type: 'scatter',
      mode: 'lines',
      x: Array.from(c.coverage, (v) => 100 * v),
      y: Array.from(c.accuracy, (v) => 100 * v),
      name: REJECTOR_SCORE_SHORT[name],
      line: { color: SCORE_COLORS[name], width: 2 },
      hovertemplate: 'coverage %{x:.1f}%: accuracy %{y:.1f}%<extra></extra>',
    } as Data;
  });
}

export const coverageLayout: Layout = {
  margin: { l: 52, r: 10, t: 10, b: 80 },
  xaxis: { title: { text: 'coverage: inputs kept (%)' }, range: [0, 100] },
  yaxis: { title: { text: 'accuracy on the kept inputs (%)' }, range: [0, 100.5] },
  legend: { orientation: 'h', y: -0.3, font: { size: 10 } },
  height: 300,
  uirevision: 'coverage',
} as Layout;
