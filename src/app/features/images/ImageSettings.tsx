/** Settings of the image workflow: which records, the model, training and the attack (pixels in [0, 1]). */
import { METHOD_LABELS, TRAINING_METHODS, normaliseImageExperiment, usesTrainingAttack, validateImageExperiment } from '../../../core/settings';
import { downloadJson } from '../../ui/download';
import { useStore } from '../../state/store';
import { CheckField, NumberField, SelectField } from '../../configFields/ConfigFields';
import { Section } from '../../ui/Section';
import { ConfigFileButtons } from '../../ui/ConfigFileButtons';
import { SmoothedTrainingFields } from '../../configFields/SmoothedTrainingFields';
import { RejectionTrainingFields } from '../../configFields/RconTrainingFields';
import { IbpTrainingFields } from '../../configFields/IbpTrainingFields';

const S = 'image' as const;
const NORMS = [
  { value: 'linf', label: 'l∞' },
  { value: 'l2', label: 'l₂' },
];

/** Export and import the image experiment as JSON (the CLI reads the same file with --data). */
function ImageConfigButtons() {
  const config = useStore((s) => s.imageConfig);
  return (
    <div className="row">
      <ConfigFileButtons
        name="image-config"
        className="small"
        accept=".json,application/json"
        exportTitle="Download these settings as the CLI's image experiment config."
        importTitle="Load an image experiment config (JSON)."
        what="the image settings"
        onExport={() => downloadJson(`image-experiment-${config.model.kind}-${config.training.method}.json`, config)}
        onImport={(json) => {
          const parsed = normaliseImageExperiment(json);
          useStore.setState({ imageConfig: parsed, imageErrors: validateImageExperiment(parsed) });
        }}
      />
    </div>
  );
}

export function ImageSettings() {
  const c = useStore((s) => s.imageConfig);
  const adversarial = usesTrainingAttack(c.training.method);
  return (
    <>
      <ImageConfigButtons />
      <Section title="Records" testId="image-data-settings">
        <div className="row">
          <NumberField scope={S} path="data.trainLimit" label="Training images" tip="How many training images to use; 0 = all of them." />
          <NumberField scope={S} path="data.testLimit" label="Test images" tip="How many test images to evaluate on during training; 0 = all." />
        </div>
        <div className="row">
          <SelectField scope={S} path="data.subset" label="Subset" tip="The first images, or the same number per class chosen by seed." options={[{ value: 'first', label: 'first N' }, { value: 'per-class', label: 'N per class' }]} />
          <NumberField scope={S} path="data.seed" label="Subset seed" tip="Seed of the per-class choice." />
        </div>
      </Section>
      <Section title="Model" testId="image-model-settings">
        <div className="row">
          <SelectField scope={S} path="model.kind" label="Model" tip="A small CNN (3×3 conv + 2×2 max-pool blocks) or an MLP on the flattened image." options={[{ value: 'cnn', label: 'CNN' }, { value: 'mlp', label: 'MLP' }]} />
          <NumberField scope={S} path="seed" label="Run seed" tip="Seeds the weights, the batch order and the attacks' random starts." />
        </div>
        {c.model.kind === 'cnn' ? (
          <div className="row">
            <NumberField scope={S} path="model.convLayers" label="Conv blocks" tip="Number of conv + pool blocks (1–4)." />
            <NumberField scope={S} path="model.filters" label="Filters" tip="Filters of the first block; each further block doubles them." />
            <NumberField scope={S} path="model.dense" label="Dense units" tip="Hidden dense layer before the logits (0 = none)." />
          </div>
        ) : (
          <div className="row">
            <NumberField scope={S} path="model.depth" label="Hidden layers" tip="Hidden layers of the MLP." />
            <NumberField scope={S} path="model.width" label="Units" tip="Units per hidden layer." />
          </div>
        )}
        {c.model.kind === 'cnn' ? (
          <CheckField scope={S} path="model.normalize" label="Normalise inside the model" tip="A Normalize layer with the training images' per-channel mean and std, as the model's first layer: inputs stay pixels in [0, 1]." />
        ) : null}
      </Section>
      <Section title="Training" testId="image-training-settings">
        <SelectField scope={S} path="training.method" label="Method" tip="The training loss: standard, PGD-AT, TRADES, ERA (Merkli et al.), Gaussian / CAT-RS / CRA for smoothing (Merkli et al.; Jeong et al.), Rectified Rejection or SelectiveNet with a rejector head (Pang et al.), or IBP with abstain classes (Baharlouei et al.)." options={TRAINING_METHODS.map((m) => ({ value: m, label: METHOD_LABELS[m] }))} />
        <div className="row">
          <SelectField scope={S} path="training.optimizer" label="Optimizer" tip="SGD or Adam." options={[{ value: 'adam', label: 'Adam' }, { value: 'sgd', label: 'SGD' }]} />
          <NumberField scope={S} path="training.learningRate" label="Learning rate" tip="Step size of the optimizer." />
        </div>
        <div className="row">
          <NumberField scope={S} path="training.epochs" label="Epochs" tip="Passes over the training images." />
          <NumberField scope={S} path="training.batchSize" label="Batch size" tip="Images per gradient step." />
        </div>
        {adversarial ? (
          <div className="row">
            <SelectField scope={S} path="training.attack.norm" label="Train norm" tip="Norm of the training attack's ball." options={NORMS} />
            <NumberField scope={S} path="training.attack.eps" label="Train eps" tip="Radius of the training attack on pixels in [0, 1]; type e.g. 8/255." />
            <NumberField scope={S} path="training.attack.steps" label="PGD steps" tip="Steps of the training attack." />
          </div>
        ) : null}
        <SmoothedTrainingFields scope={S} />
        <RejectionTrainingFields scope={S} />
        <IbpTrainingFields scope={S} />
      </Section>
      <Section title="Attack (evaluation)" testId="image-attack-settings">
        <div className="row">
          <SelectField scope={S} path="evaluation.attack.kind" label="Attack" tip="FGSM, PGD or APGD-CE, inside the pixel box [0, 1]." options={[{ value: 'pgd', label: 'PGD' }, { value: 'apgd-ce', label: 'APGD-CE' }, { value: 'fgsm', label: 'FGSM' }]} />
          <SelectField scope={S} path="evaluation.attack.norm" label="Norm" tip="The threat model's norm." options={NORMS} />
        </div>
        <div className="row">
          <NumberField scope={S} path="evaluation.attack.eps" label="eps" tip="Radius of the threat model on pixels in [0, 1]: type 2/255, 8/255, …" />
          <NumberField scope={S} path="evaluation.attack.steps" label="Steps" tip="Iterations of the attack." />
          <NumberField scope={S} path="evaluation.count" label="Images" tip="How many test images to attack (robust accuracy is over these)." />
        </div>
      </Section>
    </>
  );
}
