/**
 * Pang et al.'s evaluation curves, one line per rejector score: ROC curves of the score separating
 * correctly from wrongly classified inputs, and accuracy against coverage (the share of inputs
 * kept) as the threshold moves.
 */
import type { Data } from 'plotly.js-cartesian-dist-min';
import { resultLayout } from '../../plots/resultLayout';
import { type RejectorScoreName, REJECTOR_SCORE_SHORT, accuracyCoverageCurve, rocAuc, rocCurve } from '../../../core/settings';
import { RUN_COLORS } from '../../plots/colors';

export const SCORE_COLORS: Record<RejectorScoreName, string> = { confidence: RUN_COLORS[0], rcon: RUN_COLORS[1], energy: RUN_COLORS[2], selection: RUN_COLORS[3] };

export type ScoresByName = Partial<Record<RejectorScoreName, ArrayLike<number>>>;

const bothClasses = (correct: ArrayLike<number>) => {
  let c = 0;
  for (let i = 0; i < correct.length; i++) c += correct[i] ? 1 : 0;
  return c > 0 && c < correct.length;
};

/** One line per rejector score, in the score's colour; `curve` gives its points and legend name. */
function scoreLines(scores: ScoresByName, hovertemplate: string, curve: (name: RejectorScoreName, s: ArrayLike<number>) => { x: number[]; y: number[]; name: string }): Data[] {
  return (Object.keys(scores) as RejectorScoreName[]).map((name) => ({ type: 'scatter', mode: 'lines', ...curve(name, scores[name]!), line: { color: SCORE_COLORS[name], width: 2 }, hovertemplate }) as Data);
}

/** The ROC and the accuracy–coverage plots sit side by side at one size. */
const CURVE_FRAME = { height: 300 };

export function rocTraces(scores: ScoresByName, correct: ArrayLike<number>): Data[] {
  if (!bothClasses(correct)) return [];
  return scoreLines(scores, 'FPR %{x:.3f}, TPR %{y:.3f}<extra></extra>', (name, s) => {
    const roc = rocCurve(s, correct);
    return { x: Array.from(roc.fpr), y: Array.from(roc.tpr), name: `${REJECTOR_SCORE_SHORT[name]} (AUC ${rocAuc(s, correct).toFixed(3)})` };
  });
}

export const rocLayout = resultLayout({
  ...CURVE_FRAME,
  x: { title: 'wrong inputs kept (FPR)', range: [0, 1] },
  y: { title: 'correct inputs kept (TPR)', range: [0, 1.02] },
  uirevision: 'roc',
  extra: { shapes: [{ type: 'line', x0: 0, y0: 0, x1: 1, y1: 1, line: { color: '#bbb', dash: 'dot', width: 1 } }] },
});

export function coverageTraces(scores: ScoresByName, correct: ArrayLike<number>): Data[] {
  return scoreLines(scores, 'coverage %{x:.1f}%: accuracy %{y:.1f}%<extra></extra>', (name, s) => {
    const c = accuracyCoverageCurve(s, correct);
    return { x: Array.from(c.coverage, (v) => 100 * v), y: Array.from(c.accuracy, (v) => 100 * v), name: REJECTOR_SCORE_SHORT[name] };
  });
}

export const coverageLayout = resultLayout({
  ...CURVE_FRAME,
  x: { title: 'coverage: inputs kept (%)', range: [0, 100] },
  y: { title: 'accuracy on the kept inputs (%)', range: [0, 100.5] },
  uirevision: 'coverage',
});
