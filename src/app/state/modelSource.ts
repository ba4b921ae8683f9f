/**
 * The page's model sources: a key '2d:<id>' or 'image:<id>' (see workers/protocol/modelKey.ts)
 * resolved against the models the page knows, for the views that work on either kind of model
 * (Smoothing, Rectified Rejection, Verification).
 */
import { type ModelKind, type ModelSource, parseModelKey } from '../../../workers/protocol';
import { useStore } from './store';

/** The source descriptor the worker takes (workers/sources.ts resolves it to a model and data) for a page key, with a display name; null if the model is gone. */
export function sourceOfKey(key: string | null): { source: ModelSource; name: string; is2d: boolean } | null {
  const k = parseModelKey(key);
  if (!k) return null;
  const s = useStore.getState();
  if (k.kind === '2d' && s.models[k.id]) return { source: { kind: '2d', modelId: k.id }, name: s.models[k.id].name, is2d: true };
  if (k.kind === 'image' && s.imageModels[k.id] && s.imageDataset) return { source: { kind: 'image', modelId: k.id, datasetId: s.imageDataset.id }, name: s.imageModels[k.id].name, is2d: false };
  return null;
}

/** The kind of model a key names ('2d' when there is none: the settings shown before a model is picked). */
export const kindOfKey = (key: string | null): ModelKind => parseModelKey(key)?.kind ?? '2d';

/** The id of the 2-D playground model a key names, or null (no key, or an image model). */
export function playgroundModelIdOf(key: string | null | undefined): string | null {
  const k = parseModelKey(key);
  return k?.kind === '2d' ? k.id : null;
}
