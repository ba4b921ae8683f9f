/** Natural accuracy, robust accuracy, robust inaccuracy and the 4-way split table under the chosen attack. */
import { ATTACK_LABELS, SPLIT_CATEGORIES, SPLIT_LABELS, type SplitCategoryName } from '../../../core/settings';
import type { EvaluationView } from '../../../../workers/protocol';
import { pct } from '../../ui/format';
import { SPLIT_COLORS } from '../../plots/colors';
import { ResultDownloads } from '../../ui/ResultDownloads';

export const SPLIT_TIPS: Record<SplitCategoryName, string> = {
  robustAccurate: 'Predicted correctly, and no point in the eps-ball changes the prediction (counts towards robust accuracy, Eq. 2).',
  robustInaccurate: 'Predicted wrongly, and no point in the eps-ball changes that wrong prediction (robust inaccuracy, Eq. 3): the errors a robustness-indicator selector cannot catch.',
  nonRobustAccurate: 'Predicted correctly, but the attack found a point in the eps-ball with another prediction.',
  nonRobustInaccurate: 'Predicted wrongly, and the prediction changes within the eps-ball.',
};

export function describeAttack(view: EvaluationView): string {
  const a = view.attack;
  const norm = a.norm === 'linf' ? 'l∞' : 'l₂';
  const steps = a.kind === 'fgsm' ? '' : `-${a.steps}`;
  return `${ATTACK_LABELS[a.kind]}${steps} ${norm}, eps ${a.eps}${a.restarts > 1 ? `, ${a.restarts} restarts` : ''}, on ${view.split.n} ${view.set} points`;
}

export function MetricsTable({ view, compact = false }: { view: EvaluationView; compact?: boolean }) {
  const s = view.split;
  return (
    <div className="metrics" data-testid="metrics">
      <div className="headline">
        <div title="Share of points predicted correctly (no attack), Eq. 1." data-testid="metric-natural">
          <span className="k">natural acc.</span> <span className="v">{pct(s.naturalAccuracy)}</span>
        </div>
        <div title="Share of points predicted correctly AND robustly under the attack, Eq. 2." data-testid="metric-robust">
          <span className="k">robust acc.</span> <span className="v">{pct(s.robustAccuracy)}</span>
        </div>
        <div title="Share of points predicted wrongly but robustly (the attack cannot change the wrong answer), Eq. 3." data-testid="metric-robust-inacc">
          <span className="k">robust inacc.</span> <span className="v">{pct(s.robustInaccuracy)}</span>
        </div>
      </div>
      {compact ? null : (
        <table className="split-table" data-testid="split-table">
          <thead>
            <tr>
              <th />
              <th>accurate</th>
              <th>inaccurate</th>
            </tr>
          </thead>
          <tbody>
            {(['robust', 'non-robust'] as const).map((r, ri) => (
              <tr key={r}>
                <th>{r}</th>
                {[0, 1].map((ai) => {
                  const cat = SPLIT_CATEGORIES[ri * 2 + ai];
                  return (
                    <td key={cat} title={SPLIT_TIPS[cat]} data-testid={`split-${cat}`}>
                      <span className="swatch" style={{ background: SPLIT_COLORS[cat] }} />
                      {pct(s.fractions[cat])} <span className="count">({s.counts[cat]})</span>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="attack-desc" title={`4-way split of Merkli et al., Fig. 1: robust = the attack could not change the model's own prediction within the ball. ${SPLIT_LABELS.robustAccurate} + ${SPLIT_LABELS.robustInaccurate} = robust points.`}>
        {describeAttack(view)} · {(view.elapsedMs / 1000).toFixed(2)} s{' '}
        <ResultDownloads
          name={`split-${view.set}-${view.attack.kind}-eps${view.attack.eps}`}
          rows={() =>
            Array.from({ length: s.n }, (_, i) => ({
              index: i,
              prediction: s.predictions[i],
              adversarialPrediction: s.adversarialPredictions[i],
              category: SPLIT_CATEGORIES[s.categories[i]],
              adversarial0: s.adversarial[2 * i],
              adversarial1: s.adversarial[2 * i + 1],
            }))
          }
          json={() => ({ attack: view.attack, set: view.set, metrics: { naturalAccuracy: s.naturalAccuracy, robustAccuracy: s.robustAccuracy, robustInaccuracy: s.robustInaccuracy, fractions: s.fractions, counts: s.counts }, points: { predictions: Array.from(s.predictions), adversarialPredictions: Array.from(s.adversarialPredictions), categories: Array.from(s.categories, (c) => SPLIT_CATEGORIES[c]) } })}
        />
      </div>
    </div>
  );
}
