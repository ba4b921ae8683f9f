/**
 * The page names a worker model by one string key, '2d:<id>' or 'image:<id>' (a select's value,
 * a URL field); this is the one place that builds and reads such keys.
 */
import type { ModelSource } from './common';

export type ModelKind = ModelSource['kind'];

export const modelKey = (kind: ModelKind, id: string): string => `${kind}:${id}`;

/** The kind and id of a key; null for no key or one that is not a model key. */
export function parseModelKey(key: string | null | undefined): { kind: ModelKind; id: string } | null {
  if (!key) return null;
  const colon = key.indexOf(':');
  const kind = key.slice(0, colon);
  if (colon < 0 || (kind !== '2d' && kind !== 'image')) return null;
  return { kind, id: key.slice(colon + 1) };
}

/** The key of a source (its dataset is not part of the key: the page has one image dataset at a time). */
export const sourceKey = (source: ModelSource): string => modelKey(source.kind, source.modelId);
