/** The playground's settings: data, model, training method and its hyper-parameters, and the seed. */
import { DATASET2D_INFO, DATASET2D_KINDS, METHOD_LABELS, TRAINING_METHODS, usesTrainingAttack } from '../../../core/settings';
import { useStore } from '../../state/store';
import { CheckField, NumberField, SelectField } from '../../configFields/ConfigFields';
import { Section } from '../../ui/Section';
import { SmoothedTrainingFields } from '../../configFields/SmoothedTrainingFields';
import { RejectionTrainingFields } from '../../configFields/RconTrainingFields';
import { IbpTrainingFields } from '../../configFields/IbpTrainingFields';

const NORMS = [
  { value: 'linf', label: 'l∞' },
  { value: 'l2', label: 'l₂' },
];

export function DataSettings() {
  return (
    <Section title="Data" testId="data-settings">
      <SelectField path="data.kind" label="Dataset" tip="The 2-D toy distribution the points are drawn from." options={DATASET2D_KINDS.map((k) => ({ value: k, label: DATASET2D_INFO[k].label }))} />
      <NumberField path="data.size" label="Points" tip="Total number of points, training and test together." />
      <NumberField path="data.noise" label="Noise" tip="Standard deviation of the Gaussian noise added to each point (the spread of each class)." />
      <NumberField path="data.testFraction" label="Test fraction" tip="Share of the points held out for testing and attacking." />
      <NumberField path="data.seed" label="Data seed" tip="Seed of the data generator: the same seed always draws the same points." />
    </Section>
  );
}

export function ModelSettings() {
  return (
    <Section title="Model" testId="model-settings">
      <NumberField path="model.depth" label="Hidden layers" tip="Number of hidden layers of the MLP (Merkli et al. uses 4)." />
      <NumberField path="model.width" label="Units per layer" tip="Width of each hidden layer (Merkli et al. uses 64)." />
      <SelectField path="model.activation" label="Activation" tip="Non-linearity of the hidden layers." options={[{ value: 'relu', label: 'ReLU' }, { value: 'tanh', label: 'tanh' }]} />
      <NumberField path="seed" label="Run seed" tip="Seeds the initial weights, the batch order and every attack's random start: the same seed on the same backend gives the same numbers." />
    </Section>
  );
}

export function TrainingSettings() {
  const method = useStore((s) => s.config.training.method);
  const optimizer = useStore((s) => s.config.training.optimizer);
  const adversarial = usesTrainingAttack(method);
  return (
    <Section title="Training" testId="training-settings">
      <SelectField path="training.method" label="Method" tip="The training loss: standard cross-entropy, PGD adversarial training, TRADES, ERA (Merkli et al., Eq. 5), for smoothed classifiers Gaussian augmentation, CAT-RS (Jeong et al.) or CRA (Merkli et al., Eq. 9), and with a rejector head Rectified Rejection on PGD-AT or TRADES (Pang et al.) or the SelectiveNet baseline, or IBP with abstain classes (Baharlouei et al.)." options={TRAINING_METHODS.map((m) => ({ value: m, label: METHOD_LABELS[m] }))} />
      <div className="row">
        <SelectField path="training.optimizer" label="Optimizer" tip="SGD (Merkli et al.'s toy setup) or Adam." options={[{ value: 'sgd', label: 'SGD' }, { value: 'adam', label: 'Adam' }]} />
        <NumberField path="training.learningRate" label="Learning rate" tip="Step size of the optimizer (Merkli et al.: 0.1 with SGD)." />
      </div>
      {optimizer === 'sgd' ? <NumberField path="training.momentum" label="Momentum" tip="SGD momentum; 0 is plain SGD." /> : null}
      <div className="row">
        <NumberField path="training.epochs" label="Epochs" tip="Passes over the training set (Merkli et al.: 20)." />
        <NumberField path="training.batchSize" label="Batch size" tip="Points per gradient step (Merkli et al.: 10)." />
      </div>
      {adversarial ? (
        <>
          <div className="row">
            <SelectField path="training.attack.norm" label="Train norm" tip="The norm of the perturbation ball used while training." options={NORMS} />
            <NumberField path="training.attack.eps" label="Train eps" tip="Radius of the ball the training attack searches." />
          </div>
          <div className="row">
            <NumberField path="training.attack.steps" label="PGD steps" tip="Steps of the training attack (Merkli et al.: PGD-10)." />
            <NumberField path="training.attack.stepSize" label="Step size" tip="Step of the training attack; 0 picks 2.5·eps/steps (TRADES: eps/4)." />
          </div>
        </>
      ) : null}
      {method === 'trades' || method === 'era' ? (
        <NumberField path="training.tradesBeta" label="TRADES β" tip="Weight of the KL robustness term in TRADES (Merkli et al.: 6)." />
      ) : null}
      {method === 'era' ? <NumberField path="training.eraBeta" label="ERA β" tip="Weight β of the TRADES term in ERA's loss (Merkli et al., Eq. 5); the robust-inaccuracy term has weight 1." /> : null}
      <SmoothedTrainingFields />
      <RejectionTrainingFields />
      <IbpTrainingFields />
    </Section>
  );
}

export function AttackSettings() {
  const kind = useStore((s) => s.config.evaluation.attack.kind);
  return (
    <Section title="Attack (evaluation)" testId="attack-settings">
      <div className="row">
        <SelectField path="evaluation.attack.kind" label="Attack" tip="FGSM (one step), PGD, or APGD-CE (Croce & Hein 2020), which Merkli et al. uses to evaluate (40 steps)." options={[{ value: 'apgd-ce', label: 'APGD-CE' }, { value: 'pgd', label: 'PGD' }, { value: 'fgsm', label: 'FGSM' }]} />
        <SelectField path="evaluation.attack.norm" label="Norm" tip="The threat model's norm: l∞ (box) or l₂ (disc) around each point." options={NORMS} />
      </div>
      <div className="row">
        <NumberField path="evaluation.attack.eps" label="eps" tip="Radius of the threat model B(x, eps): a point is robust if no point within eps changes its prediction." />
        {kind !== 'fgsm' ? <NumberField path="evaluation.attack.steps" label="Steps" tip="Iterations of the attack." /> : null}
      </div>
      {kind !== 'fgsm' ? (
        <div className="row">
          <NumberField path="evaluation.attack.restarts" label="Restarts" tip="Independent runs from random starts; a point counts as non-robust if any run flips it (PGD needs Random start for this)." />
          {kind === 'pgd' ? <NumberField path="evaluation.attack.stepSize" label="Step size" tip="PGD step; 0 picks 2.5·eps/steps. APGD-CE adapts its own." /> : null}
        </div>
      ) : null}
      {kind === 'pgd' ? <CheckField path="evaluation.attack.randomStart" label="Random start" tip="Start each PGD run from a uniform draw in the ball instead of the clean point." /> : null}
      <NumberField path="evaluation.gridResolution" label="Grid" unit="cells per side" tip="Resolution of the decision-region grid (200 × 200 = 40,000 points)." />
    </Section>
  );
}
