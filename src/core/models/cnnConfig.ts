/** CNN settings as plain data (no tfjs import). */

export interface CnnConfig {
  /** [height, width, channels] of the input images (pixels in [0, 1]). */
  inputShape: [number, number, number];
  numClasses: number;
  /** Number of 3×3 convolution blocks (each: conv + ReLU, then 2×2 max-pooling). */
  convLayers: number;
  /** Filters of the first block; each further block doubles them. */
  filters: number;
  /** Units of the hidden dense layer before the logits (0 = none). */
  dense: number;
  /** Per-channel normalisation inside the model, or null for raw [0, 1] pixels. */
  normalize: { mean: number[]; std: number[] } | null;
  seed: number;
}

export const CNN_DEFAULTS: Omit<CnnConfig, 'inputShape' | 'numClasses'> = {
  convLayers: 2,
  filters: 16,
  dense: 64,
  normalize: null,
  seed: 1,
};
