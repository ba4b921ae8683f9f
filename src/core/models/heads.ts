/**
 * Classifiers with extra heads on the shared penultimate features h, as one tfjs LayersModel
 * with several outputs. The first output is always the classifier's logits (layer 'logits'), so
 * everything that reads a model through models/forward.ts' `logits` (attacks, training losses,
 * evaluation, certification) sees the classifier, and the model saves and loads with models/io.ts
 * like any other (the heads are ordinary layers of its topology).
 *
 *  - 'rr' (paper 000, Section 4.1 "Architecture of A_phi", Fig. 2): outputs [logits, rr_aux].
 *    The auxiliary function A_phi(x) = sigmoid(MLP_phi(h)) is a shallow MLP on the same h as the
 *    classifier's softmax layer f = softmax(W h + b): dense(auxHidden, ReLU) → dense(1). The
 *    output 'rr_aux' is the pre-sigmoid logit a(x) (A_phi = sigmoid(a)), so that the losses can
 *    work with log-sigmoids. The authors' head (P2333/Rectified-Rejection, models/preactresnet.py
 *    `dense`, run with --useBN) is Linear(512 → 256) → BatchNorm1d → ReLU → Linear(256 → 1) on
 *    ResNet-18's 512 features; here the hidden width is half the feature width (clamped to
 *    [16, 256]) and there is no batch normalisation (the workbench's classifiers have none, and
 *    every loss and attack runs them in inference mode, where BN would only apply its running
 *    statistics).
 *  - 'selectivenet' (Geifman & El-Yaniv 2019, Fig. 1; the SNet baseline of paper 000): outputs
 *    [logits, selection, selective_aux]: the prediction head f (the classifier), the selection
 *    head g(x) = sigmoid(MLP(h)) (same shape as RR's auxiliary head; 'selection' is its logit;
 *    SelectiveNet's is dense(512) → ReLU → BN → dense(1)) and the auxiliary prediction head h (a
 *    second dense layer to the class logits, used only in training).
 *
 * The backbones mirror createMlp and createCnn exactly (same layers, initialisers and seeds), so
 * a head model's classifier starts with the same weights as the plain model of the same seed.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../random';
import { CNN_DEFAULTS, type CnnConfig } from './cnnConfig';
import { MLP_DEFAULTS, type MlpConfig } from './mlpConfig';
import { Normalize } from './normalize';
import { createMlp } from './mlp';
import { createCnn } from './cnn';
import type { ModelHeads } from '../training/rejectionHeadsConfig';

export type { ModelHeads };

/** Names of the output layers (stable across save/load: they identify the heads of a loaded model). */
export const LOGITS_OUTPUT = 'logits';
export const RR_AUX_OUTPUT = 'rr_aux';
export const SELECTION_OUTPUT = 'selection';
export const SELECTIVE_AUX_OUTPUT = 'selective_aux';

export type MlpBackbone = { kind: 'mlp' } & Partial<MlpConfig> & Pick<MlpConfig, 'inputDim' | 'numClasses'>;
export type CnnBackbone = { kind: 'cnn' } & Partial<CnnConfig> & Pick<CnnConfig, 'inputShape' | 'numClasses'>;
export type BackboneConfig = MlpBackbone | CnnBackbone;

export interface HeadOptions {
  /**
   * Hidden units of the auxiliary (RR) or selection (SelectiveNet) MLP; 0 or absent = half the
   * feature width h, clamped to [16, 256] (the authors' head halves ResNet-18's 512 features).
   */
  auxHidden?: number;
}

/** The hidden width of the auxiliary MLP for features of width `featureDim`. */
export function auxHiddenUnits(featureDim: number, auxHidden = 0): number {
  if (auxHidden) {
    if (!Number.isInteger(auxHidden) || auxHidden < 1) throw new Error('auxHidden must be a whole number >= 1');
    return auxHidden;
  }
  return Math.min(256, Math.max(16, Math.round(featureDim / 2)));
}

interface Backbone {
  input: tf.SymbolicTensor;
  /** The penultimate features h (the classifier's input). */
  features: tf.SymbolicTensor;
  featureDim: number;
  logits: tf.SymbolicTensor;
  seed: number;
  numClasses: number;
}

function mlpBackbone(config: MlpBackbone): Backbone {
  const c = { ...MLP_DEFAULTS, ...config };
  if (!Number.isInteger(c.depth) || c.depth < 0) throw new Error('depth must be an integer >= 0');
  if (!Number.isInteger(c.width) || c.width < 1) throw new Error('width must be an integer >= 1');
  const flattenFirst = !!c.inputShape && c.inputShape.length > 1;
  if (flattenFirst && c.inputShape!.reduce((a, b) => a * b, 1) !== c.inputDim) {
    throw new Error(`inputDim ${c.inputDim} does not match inputShape ${c.inputShape!.join('×')}`);
  }
  const input = tf.input({ shape: flattenFirst ? c.inputShape! : [c.inputDim] });
  let h: tf.SymbolicTensor = flattenFirst ? (tf.layers.flatten().apply(input) as tf.SymbolicTensor) : input;
  for (let i = 0; i < c.depth; i++) {
    const init = c.activation === 'relu' ? tf.initializers.heNormal({ seed: deriveSeed(c.seed, 'mlp', i) }) : tf.initializers.glorotNormal({ seed: deriveSeed(c.seed, 'mlp', i) });
    h = tf.layers.dense({ units: c.width, activation: c.activation, kernelInitializer: init, biasInitializer: 'zeros' }).apply(h) as tf.SymbolicTensor;
  }
  const logits = tf.layers
    .dense({ units: c.numClasses, kernelInitializer: tf.initializers.glorotNormal({ seed: deriveSeed(c.seed, 'mlp', 'out') }), biasInitializer: 'zeros', name: LOGITS_OUTPUT })
    .apply(h) as tf.SymbolicTensor;
  return { input, features: h, featureDim: c.depth > 0 ? c.width : c.inputDim, logits, seed: c.seed, numClasses: c.numClasses };
}

function cnnBackbone(config: CnnBackbone): Backbone {
  const c = { ...CNN_DEFAULTS, ...config };
  const [hh, ww, ch] = c.inputShape;
  if (!Number.isInteger(c.convLayers) || c.convLayers < 1 || c.convLayers > 6) throw new Error('convLayers must be an integer from 1 to 6');
  if (!Number.isInteger(c.filters) || c.filters < 1) throw new Error('filters must be an integer >= 1');
  if (Math.min(hh, ww) >> c.convLayers < 1) throw new Error(`${c.convLayers} pooling blocks shrink a ${hh}×${ww} image to nothing`);
  const input = tf.input({ shape: [hh, ww, ch] });
  let t: tf.SymbolicTensor = input;
  if (c.normalize) t = new Normalize({ ...c.normalize, name: 'normalize' }).apply(t) as tf.SymbolicTensor;
  for (let i = 0; i < c.convLayers; i++) {
    t = tf.layers
      .conv2d({ filters: c.filters * 2 ** i, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: deriveSeed(c.seed, 'cnn', i) }) })
      .apply(t) as tf.SymbolicTensor;
    t = tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }).apply(t) as tf.SymbolicTensor;
  }
  t = tf.layers.flatten().apply(t) as tf.SymbolicTensor;
  let featureDim = t.shape[1] as number;
  if (c.dense > 0) {
    t = tf.layers.dense({ units: c.dense, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: deriveSeed(c.seed, 'cnn', 'dense') }) }).apply(t) as tf.SymbolicTensor;
    featureDim = c.dense;
  }
  const logits = tf.layers
    .dense({ units: c.numClasses, kernelInitializer: tf.initializers.glorotNormal({ seed: deriveSeed(c.seed, 'cnn', 'out') }), name: LOGITS_OUTPUT })
    .apply(t) as tf.SymbolicTensor;
  return { input, features: t, featureDim, logits, seed: c.seed, numClasses: c.numClasses };
}

function backbone(config: BackboneConfig): Backbone {
  return config.kind === 'cnn' ? cnnBackbone(config) : mlpBackbone(config);
}

/** dense(hidden, ReLU) → dense(1): the logit of a sigmoid head on h. */
function sigmoidHead(b: Backbone, hidden: number, name: string, tag: string): tf.SymbolicTensor {
  const z = tf.layers
    .dense({ units: hidden, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: deriveSeed(b.seed, tag, 'hidden') }), name: `${name}_hidden` })
    .apply(b.features) as tf.SymbolicTensor;
  return tf.layers
    .dense({ units: 1, kernelInitializer: tf.initializers.glorotNormal({ seed: deriveSeed(b.seed, tag, 'out') }), biasInitializer: 'zeros', name })
    .apply(z) as tf.SymbolicTensor;
}

/**
 * A classifier with Rectified Rejection's auxiliary head (paper 000): outputs [logits [b, K],
 * rr_aux [b, 1]] where A_phi(x) = sigmoid(rr_aux). Weights from the seed.
 */
export function createRrModel(config: BackboneConfig & HeadOptions): tf.LayersModel {
  const b = backbone(config);
  const aux = sigmoidHead(b, auxHiddenUnits(b.featureDim, config.auxHidden), RR_AUX_OUTPUT, 'rr-aux');
  return tf.model({ inputs: b.input, outputs: [b.logits, aux], name: `${config.kind}_rr` });
}

/**
 * A SelectiveNet (Geifman & El-Yaniv 2019): outputs [logits [b, K] (f), selection [b, 1]
 * (g = sigmoid(selection)), selective_aux [b, K] (h)]. Weights from the seed.
 */
export function createSelectiveNetModel(config: BackboneConfig & HeadOptions): tf.LayersModel {
  const b = backbone(config);
  const selection = sigmoidHead(b, auxHiddenUnits(b.featureDim, config.auxHidden), SELECTION_OUTPUT, 'selection');
  const aux = tf.layers
    .dense({ units: b.numClasses, kernelInitializer: tf.initializers.glorotNormal({ seed: deriveSeed(b.seed, 'selective-aux', 'out') }), biasInitializer: 'zeros', name: SELECTIVE_AUX_OUTPUT })
    .apply(b.features) as tf.SymbolicTensor;
  return tf.model({ inputs: b.input, outputs: [b.logits, selection, aux], name: `${config.kind}_selectivenet` });
}

/** A model with the given heads: the plain createMlp / createCnn for 'none'. */
export function createModelWithHeads(heads: ModelHeads, config: BackboneConfig & HeadOptions): tf.LayersModel {
  if (heads === 'rr') return createRrModel(config);
  if (heads === 'selectivenet') return createSelectiveNetModel(config);
  const { kind: _kind, auxHidden: _aux, ...rest } = config;
  return config.kind === 'cnn' ? createCnn(rest as CnnBackbone) : createMlp(rest as MlpBackbone);
}

/** Which heads a model has, from the names of its output layers (works on loaded models too). */
export function modelHeads(model: tf.LayersModel): ModelHeads {
  const names = model.outputNames ?? [];
  if (names.length === 2 && names[1] === RR_AUX_OUTPUT) return 'rr';
  if (names.length === 3 && names[1] === SELECTION_OUTPUT && names[2] === SELECTIVE_AUX_OUTPUT) return 'selectivenet';
  return 'none';
}

const HEAD_NAMES: Record<ModelHeads, string> = {
  none: 'a plain classifier',
  rr: "a two-head model (classifier + Rectified Rejection's auxiliary head; createRrModel)",
  selectivenet: 'a SelectiveNet model (classifier + selection + auxiliary heads; createSelectiveNetModel)',
};

/** Throws a readable error when the model does not have the heads `what` needs. */
export function assertHeads(model: tf.LayersModel, heads: ModelHeads, what: string): void {
  const has = modelHeads(model);
  if (has !== heads) throw new Error(`${what} needs ${HEAD_NAMES[heads]}, but this model is ${HEAD_NAMES[has]} (outputs: ${(model.outputNames ?? []).join(', ')}).`);
}

function applyAll(model: tf.LayersModel, x: tf.Tensor): tf.Tensor[] {
  const out = model.apply(x, { training: false }) as tf.Tensor | tf.Tensor[];
  return Array.isArray(out) ? out : [out];
}

/**
 * Both outputs of a Rectified Rejection model: the classifier's logits [b, K] and the auxiliary
 * head's pre-sigmoid logit [b] (A_phi(x) = sigmoid(auxLogit)). Differentiable (use under a tape).
 */
export function twoHeadOutputs(model: tf.LayersModel, x: tf.Tensor): { logits: tf.Tensor2D; auxLogit: tf.Tensor1D } {
  assertHeads(model, 'rr', 'twoHeadOutputs');
  return tf.tidy(() => {
    const [z, a] = applyAll(model, x);
    return { logits: z as tf.Tensor2D, auxLogit: tf.reshape(a, [-1]) as tf.Tensor1D };
  });
}

/**
 * The three outputs of a SelectiveNet model: prediction logits f [b, K], the selection head's
 * pre-sigmoid logit [b] (g = sigmoid(selectionLogit)) and the auxiliary head's logits h [b, K].
 */
export function selectiveNetOutputs(model: tf.LayersModel, x: tf.Tensor): { logits: tf.Tensor2D; selectionLogit: tf.Tensor1D; auxLogits: tf.Tensor2D } {
  assertHeads(model, 'selectivenet', 'selectiveNetOutputs');
  return tf.tidy(() => {
    const [z, g, h] = applyAll(model, x);
    return { logits: z as tf.Tensor2D, selectionLogit: tf.reshape(g, [-1]) as tf.Tensor1D, auxLogits: h as tf.Tensor2D };
  });
}
