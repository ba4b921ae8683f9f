/**
 * The settings of IBP training with abstain classes (Baharlouei et al., Eq. 7, 15, 16; Gowal et al.'s
 * schedule), shown only when the method is 'ibp'; shared by the playground and the image view.
 */
import { IBP_DEFAULTS } from '../../core/settings';
import { useStore } from '../state/store';
import { type FieldScope, NumberField } from './ConfigFields';

export function IbpTrainingFields({ scope = 'experiment' }: { scope?: FieldScope }) {
  const training = useStore((s) => (scope === 'image' ? s.imageConfig : s.config).training);
  if (training.method !== 'ibp') return null;
  return (
    <>
      <div className="row">
        <NumberField scope={scope} path="training.ibp.abstainClasses" label="Abstain classes M" tip={`Extra abstain (detection) outputs after the K regular ones; 0 = plain IBP, 1 = a single abstain class, Baharlouei et al. suggests M = K (${IBP_DEFAULTS.abstainClasses}).`} />
        <NumberField scope={scope} path="training.attack.eps" label="Train eps" tip="Radius of the l∞ box the IBP bounds are trained on; it ramps up from 0 after the warm-up." />
      </div>
      <div className="row">
        <NumberField scope={scope} path="training.ibp.warmup" label="Warm-up" tip={`Share of the training steps with eps = 0 and the natural loss only (Gowal et al.; ${IBP_DEFAULTS.warmup}).`} />
        <NumberField scope={scope} path="training.ibp.ramp" label="Ramp" tip={`Share of the steps over which eps, κ and λ move linearly to their final values (${IBP_DEFAULTS.ramp}).`} />
      </div>
      <div className="row">
        <NumberField scope={scope} path="training.ibp.kappaEnd" label="κ end" tip={`Final weight of the natural loss; the IBP worst-case loss gets 1 − κ (Gowal et al.: 1 → ${IBP_DEFAULTS.kappaEnd}).`} />
        <NumberField scope={scope} path="training.ibp.lambdaEnd" label="λ end" tip={`Final weight of the robust-abstain loss of Theorem 3, the trade-off between standard and verified error; the paper's k2 is λ/κ (${IBP_DEFAULTS.lambdaEnd}).`} />
      </div>
      <div className="row">
        <NumberField scope={scope} path="training.ibp.regulariserMu" label="Regulariser μ" tip={`Weight of Eq. 16's penalty on abstain classes whose mean simplex weight falls below the threshold, so that all of them get used (0 = off; ${IBP_DEFAULTS.regulariserMu}).`} />
        <NumberField scope={scope} path="training.ibp.regulariserThreshold" label="Threshold" tip="The mean simplex weight each abstain class should reach in a batch (Eq. 16); 0 = 1/(K + M)." />
      </div>
      <NumberField scope={scope} path="training.ibp.iterations" label="Mirror-ascent iterations" tip={`Exponentiated-gradient steps that optimise the simplex weights λ in each training step (Algorithm 1; ${IBP_DEFAULTS.iterations}).`} />
    </>
  );
}
