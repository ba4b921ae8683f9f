/**
 * Per-channel input normalisation as a layer inside the model: y = (x − mean_c) / std_c.
 * The workbench's inputs are always pixels in [0, 1]; a model that wants standardised inputs
 * carries this layer, so attacks, certification and verification all see the same input domain
 * (never a hidden preprocessing step). Registered for tfjs serialisation, so saved models load
 * back with it.
 */
import * as tf from '@tensorflow/tfjs';

export interface NormalizeArgs {
  mean: number[];
  std: number[];
  name?: string;
  inputShape?: number[];
}

export class Normalize extends tf.layers.Layer {
  static className = 'WorkbenchNormalize';
  readonly mean: number[];
  readonly std: number[];

  constructor(args: NormalizeArgs) {
    super(args as unknown as tf.serialization.ConfigDict);
    if (args.mean.length !== args.std.length || args.mean.length === 0) throw new Error('Normalize: mean and std need one value per channel');
    if (args.std.some((s) => !(s > 0))) throw new Error('Normalize: every std must be > 0');
    this.mean = [...args.mean];
    this.std = [...args.std];
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const channels = x.shape[x.rank - 1];
      if (channels !== this.mean.length) throw new Error(`Normalize: expected ${this.mean.length} channels, got ${channels}`);
      return tf.div(tf.sub(x, tf.tensor1d(this.mean)), tf.tensor1d(this.std));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), mean: this.mean, std: this.std };
  }
}

tf.serialization.registerClass(Normalize);
