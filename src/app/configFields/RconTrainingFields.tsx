/**
 * The settings of the rejection-training methods of Pang et al. — RR with PGD-AT or TRADES (Eq.
 * 4–5) and the SelectiveNet baseline — shown only for the selected method; shared by the
 * playground and the image view.
 */
import { RR_DEFAULTS, SELECTIVENET_DEFAULTS, type TrainingMethodName } from '../../core/settings';
import { useStore } from '../state/store';
import { type FieldScope, NumberField, SelectField } from './ConfigFields';

const RR_METHODS: readonly TrainingMethodName[] = ['rr-pgd-at', 'rr-trades'];

export function RejectionTrainingFields({ scope = 'experiment' }: { scope?: FieldScope }) {
  const method = useStore((s) => (scope === 'image' ? s.imageConfig : s.config).training.method);
  if (RR_METHODS.includes(method)) {
    return (
      <>
        <div className="row">
          <NumberField scope={scope} path="training.rr.lambda" label="RR λ" tip={`Weight of L_RR = BCE(R-Con ‖ T-Con) next to the adversarial-training loss (Pang et al., Eq. 5: ${RR_DEFAULTS.lambda}).`} />
          <NumberField scope={scope} path="training.rr.temperature" label="RR τ" tip="Softmax temperature inside L_RR only (Pang et al., Table 5 studies τ < 1; 1 in the main results)." />
          <SelectField
            scope={scope}
            path="training.rr.stopGradient"
            label="Stop-gradients"
            tip="“paper”: the T-Con target is constant, and so is the confidence inside R-Con where x* is classified correctly (Section 4.1; what the authors' README command runs). “target only”: only the target is constant (the authors' code without --SGconfidenceW)."
            options={[
              { value: 'paper', label: 'paper' },
              { value: 'target-only', label: 'target only' },
            ]}
          />
        </div>
        {method === 'rr-trades' ? <NumberField scope={scope} path="training.tradesBeta" label="TRADES β" tip="Weight of the KL robustness term in TRADES (Pang et al. uses 6)." /> : null}
      </>
    );
  }
  if (method === 'selectivenet-pgd-at') {
    return (
      <div className="row">
        <NumberField scope={scope} path="training.selectiveNet.coverage" label="Coverage c" tip={`Target share of inputs the selection head keeps (SelectiveNet; the RR authors' baseline: ${SELECTIVENET_DEFAULTS.coverage}).`} />
        <NumberField scope={scope} path="training.selectiveNet.lambda" label="λ" tip={`Weight of the quadratic penalty that holds the coverage at c (${SELECTIVENET_DEFAULTS.lambda}).`} />
        <NumberField scope={scope} path="training.selectiveNet.alpha" label="α" tip={`Weight of the selective loss against the auxiliary head's plain cross-entropy (${SELECTIVENET_DEFAULTS.alpha}).`} />
      </div>
    );
  }
  return null;
}
