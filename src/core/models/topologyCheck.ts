/**
 * Checks a model.json before tfjs builds anything from it: tfjs allocates every layer's weights
 * from the topology (a Dense layer declaring 2·10⁷ units takes gigabytes) before it reads a single
 * weight. So the weights manifest must declare whole positive shapes within a parameter budget,
 * and every layer that sizes its own weights (units, filters) must agree with its kernel in the
 * manifest, whose byte length the weight file must match; then nothing larger is allocated.
 */
import type * as tf from '@tensorflow/tfjs';

interface LayerJson {
  class_name?: unknown;
  config?: { name?: unknown; units?: unknown; filters?: unknown; batch_input_shape?: unknown; layers?: unknown };
}

/** The layer entries of a Sequential or functional topology (tfjs writes both as config.layers). */
function layersOf(topology: unknown): LayerJson[] {
  const t = topology as { model_config?: unknown; config?: unknown } | null;
  const model = (t?.model_config ?? t) as { config?: unknown } | null;
  const config = model?.config as { layers?: unknown } | unknown[] | undefined;
  const layers = Array.isArray(config) ? config : (config as { layers?: unknown } | undefined)?.layers;
  return Array.isArray(layers) ? (layers as LayerJson[]) : [];
}

/** Layers whose kernel's last dimension is their units or filters (others are only bounded). */
const KERNEL_LAST = new Set(['Dense', 'Conv1D', 'Conv2D', 'Conv3D']);

const whole = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1;

/** Problems with the sizes a model.json declares, one sentence each (empty when it may be built). */
export function topologyProblems(topology: unknown, manifest: tf.io.WeightsManifestConfig, maxParams: number): string[] {
  const problems: string[] = [];
  const kernels = new Map<string, number[]>();
  let params = 0;
  for (const group of manifest) {
    for (const w of group.weights) {
      const shape = w.shape as unknown[];
      if (!Array.isArray(shape) || !shape.every(whole)) {
        problems.push(`weight "${w.name}" has shape ${JSON.stringify(w.shape)}; every dimension must be a whole number ≥ 1`);
        continue;
      }
      params += (shape as number[]).reduce((a, b) => a * b, 1);
      kernels.set(w.name, shape as number[]);
    }
  }
  if (params > maxParams) problems.push(`the weights manifest declares ${params.toLocaleString('en')} parameters, over the limit of ${maxParams.toLocaleString('en')}`);
  for (const layer of layersOf(topology)) {
    const c = layer.config ?? {};
    const name = String(c.name ?? layer.class_name ?? '?');
    for (const key of ['units', 'filters'] as const) {
      const size = c[key];
      if (size === undefined) continue;
      if (!whole(size) || size > maxParams) {
        problems.push(`layer "${name}" declares ${key} = ${JSON.stringify(size)}; expected a whole number from 1 to ${maxParams.toLocaleString('en')}`);
        continue;
      }
      if (!KERNEL_LAST.has(String(layer.class_name))) continue;
      const kernel = [...kernels.entries()].find(([n]) => n === `${name}/kernel` || n.endsWith(`/${name}/kernel`))?.[1];
      if (!kernel) problems.push(`layer "${name}" declares ${key} = ${size} but the weights manifest has no "${name}/kernel"`);
      else if (kernel[kernel.length - 1] !== size) problems.push(`layer "${name}" declares ${key} = ${size} but its kernel in the weights manifest has shape [${kernel.join(', ')}]`);
    }
    const input = c.batch_input_shape;
    if (Array.isArray(input) && !input.every((d) => d === null || whole(d))) problems.push(`layer "${name}" has input shape ${JSON.stringify(input)}; every dimension must be null or a whole number ≥ 1`);
  }
  return problems;
}
