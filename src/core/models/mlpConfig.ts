/** MLP settings as plain data (no tfjs import). */

export interface MlpConfig {
  inputDim: number;
  /** For images: [h, w, c]; the model then flattens its input first (inputDim = h·w·c). */
  inputShape?: number[];
  numClasses: number;
  /** Number of hidden layers. */
  depth: number;
  /** Units per hidden layer. */
  width: number;
  activation: 'relu' | 'tanh';
  seed: number;
}

export const MLP_DEFAULTS: Omit<MlpConfig, 'inputDim' | 'numClasses'> = {
  depth: 4,
  width: 64,
  activation: 'relu',
  seed: 1,
};
