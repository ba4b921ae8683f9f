/**
 * The settings of the smoothed-classifier training methods (Gaussian augmentation, CAT-RS, CRA),
 * shown only for the selected method; shared by the playground and the image view.
 */
import { CAT_RS_DEFAULTS, CRA_DEFAULTS, isSmoothedMethod } from '../../core/settings';
import { useStore } from '../state/store';
import { type FieldScope, NumberField, SelectField } from './ConfigFields';

export function SmoothedTrainingFields({ scope = 'experiment' }: { scope?: FieldScope }) {
  const method = useStore((s) => (scope === 'image' ? s.imageConfig : s.config).training.method);
  if (!isSmoothedMethod(method)) return null;
  return (
    <>
      <NumberField scope={scope} path="training.sigma" label="Noise σ" tip="Standard deviation of the Gaussian noise added to the inputs in training; certify the model with the same σ." />
      {method === 'cat-rs' ? (
        <>
          <div className="row">
            <NumberField scope={scope} path="training.catRs.m" label="Draws M" tip={`Noise draws per input used to estimate its confidence p̂ (Jeong et al.: ${CAT_RS_DEFAULTS.m}).`} />
            <NumberField scope={scope} path="training.catRs.p0" label="p₀" tip="Truncation of the harder draws' cross-entropy at −log p₀ in the bottom-K loss (Eq. 7; Jeong et al.: 1/5 on MNIST, 1/20 or 1/10 on CIFAR-10)." />
            <NumberField scope={scope} path="training.catRs.lambda" label="λ" tip="Weight of the worst-case noise loss, applied to inputs whose M draws are all correct (Eq. 10; Jeong et al.: 1 on MNIST, 0.5 or 2 on CIFAR-10)." />
          </div>
          <div className="row">
            <NumberField scope={scope} path="training.catRs.eps" label="Noise eps" tip={`l₂ radius of the search for worse noise around each draw (Eq. 8; Jeong et al.: ${CAT_RS_DEFAULTS.eps}); on 2-D data the mean/std re-normalisation leaves little to search.`} />
            <NumberField scope={scope} path="training.catRs.steps" label="Steps T" tip={`PGD steps of that search, each of size 2·eps/T (Jeong et al.: ${CAT_RS_DEFAULTS.steps}).`} />
            <SelectField
              scope={scope}
              path="training.catRs.variant"
              label="Variant"
              tip="“paper” (the default) follows Algorithm 1 as printed; “authors' code” follows their release: no p₀ term, a KL to smoothed soft labels in the worst-case term, switched on when K = M."
              options={[
                { value: 'paper', label: 'paper (Alg. 1)' },
                { value: 'released', label: "authors' code" },
              ]}
            />
          </div>
        </>
      ) : null}
      {method === 'cra' ? (
        <div className="row">
          <NumberField scope={scope} path="training.cra.k" label="Draws k" tip={`Noise draws per input for the soft misprediction weight and the differentiable certified radius (Merkli et al.: ${CRA_DEFAULTS.k}).`} />
          <NumberField scope={scope} path="training.cra.gamma" label="Γ" tip={`Inverse softmax temperature inside the differentiable radius (Merkli et al.: ${CRA_DEFAULTS.gamma}).`} />
          <NumberField scope={scope} path="training.cra.beta" label="β" tip={`Weight of the Gaussian-augmentation cross-entropy against the radius penalty (Merkli et al.: ${CRA_DEFAULTS.beta}).`} />
        </div>
      ) : null}
    </>
  );
}
