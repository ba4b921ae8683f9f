/**
 * Pang et al.'s signature plot (Fig. 1, Fig. 3): R-Con against confidence, one point per input,
 * correct and wrong in two colours, clean and adversarial as two markers, with the lines of
 * Theorem 1: Con = 1/(2 − ξ) (stage 1 keeps the inputs to its right) and R-Con = 1/2 (stage 2
 * keeps the inputs above it). R-Con = Con · A_φ ≤ Con, so every point lies under the diagonal.
 */
import type { Data, Layout } from 'plotly.js-cartesian-dist-min';
import { resultLayout } from '../../plots/resultLayout';
import { OUTCOME_WRONG, RUN_COLORS } from '../../plots/colors';

export interface ScatterSet {
  /** 'clean' or the attack's name. */
  name: string;
  adversarial: boolean;
  con: ArrayLike<number>;
  rCon: ArrayLike<number>;
  correct: ArrayLike<number>;
}

/** Right and wrong answers: blue and vermillion, apart under every colour-vision deficiency (never red against green). */
export const CORRECT_COLOR = RUN_COLORS[0];
export const WRONG_COLOR = OUTCOME_WRONG;

/** Stage 1 threshold of Theorem 1. */
export const stageOneThreshold = (xi: number) => 1 / (2 - xi);

export function rconScatterTraces(sets: ScatterSet[]): Data[] {
  const traces: Data[] = [];
  for (const set of sets) {
    for (const correct of [1, 0]) {
      const x: number[] = [];
      const y: number[] = [];
      for (let i = 0; i < set.con.length; i++) {
        if ((set.correct[i] ? 1 : 0) !== correct) continue;
        x.push(set.con[i]);
        y.push(set.rCon[i]);
      }
      traces.push({
        type: 'scatter',
        mode: 'markers',
        x,
        y,
        name: `${set.name}, ${correct ? 'correct' : 'wrong'} (${x.length})`,
        marker: { color: correct ? CORRECT_COLOR : WRONG_COLOR, size: set.adversarial ? 7 : 6, symbol: set.adversarial ? 'x' : 'circle', opacity: 0.7 },
        hovertemplate: `${set.name}, ${correct ? 'correct' : 'wrong'}<br>Con %{x:.3f}<br>R-Con %{y:.3f}<extra></extra>`,
      });
    }
  }
  return traces;
}

export function rconScatterLayout(xi: number): Layout {
  const t = stageOneThreshold(xi);
  return resultLayout({
    x: { title: 'confidence Con = f(x)[yₘ]', range: [0, 1.02] },
    y: { title: 'R-Con = Con · A_φ(x)', range: [0, 1.02] },
    height: 420,
    uirevision: 'rcon',
    extra: {
      shapes: [
        { type: 'line', x0: 0, y0: 0, x1: 1, y1: 1, line: { color: '#999', width: 1, dash: 'dot' } },
        { type: 'line', x0: t, x1: t, y0: 0, y1: 1, line: { color: '#333', width: 1.5, dash: 'dash' } },
        { type: 'line', x0: 0, x1: 1, y0: 0.5, y1: 0.5, line: { color: '#333', width: 1.5 } },
      ],
      annotations: [
        { x: t, y: 1.0, text: `Con = 1/(2 − ξ) = ${t.toFixed(3)}`, showarrow: false, xanchor: 'right', font: { size: 11 } },
        { x: 0.02, y: 0.5, text: 'R-Con = 1/2', showarrow: false, xanchor: 'left', yanchor: 'bottom', font: { size: 11 } },
      ],
    },
  });
}
