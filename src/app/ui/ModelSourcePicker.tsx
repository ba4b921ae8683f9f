/**
 * Picks a trained model kept in the worker — a 2-D playground model, or an image model with the
 * loaded image dataset — as a key '2d:<id>' or 'image:<id>'. Falls back to the newest model
 * when the chosen one is gone. Shared by the Smoothing, Rectified Rejection and Verification views.
 */
import { useEffect } from 'react';
import { useStore } from '../state/store';
import { modelKey } from '../../../workers/protocol';
import { LabeledSelect } from './Select';

/** A view's store that holds its chosen model as `sourceKey` (a zustand hook). */
export interface SourceKeyStore {
  (select: (s: { sourceKey: string | null }) => string | null): string | null;
  setState(patch: { sourceKey: string }): void;
}

export interface ModelSourcePickerProps {
  store: SourceKeyStore;
  label: string;
  tip: string;
  /** What to say when there is no model yet. */
  empty: string;
  testId: string;
  /** Which models to offer (default: all). */
  accept?: (method: string | null) => boolean;
}

export function ModelSourcePicker({ store, label, tip, empty, testId, accept = () => true }: ModelSourcePickerProps) {
  const value = store((s) => s.sourceKey);
  const onChange = (key: string) => store.setState({ sourceKey: key });
  const models = useStore((s) => s.models);
  const imageModels = useStore((s) => s.imageModels);
  const imageDataset = useStore((s) => s.imageDataset);
  const options = [
    ...Object.values(models)
      .filter((m) => accept(m.method))
      .map((m) => ({ value: modelKey('2d', m.id), label: `2-D · ${m.name}` })),
    ...(imageDataset ? Object.values(imageModels).filter((m) => accept(m.method)).map((m) => ({ value: modelKey('image', m.id), label: `images · ${m.name} on ${imageDataset.name}` })) : []),
  ];
  useEffect(() => {
    if (options.length && !options.some((o) => o.value === value)) onChange(options[options.length - 1].value);
  });
  if (!options.length) return <p className="hint" data-testid={`${testId}-none`}>{empty}</p>;
  return <LabeledSelect label={label} tip={tip} testId={testId} value={value ?? ''} options={options} onChange={onChange} />;
}
