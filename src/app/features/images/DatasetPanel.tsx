/**
 * Loading image data: drag and drop or pick CIFAR binary batches, IDX files (.gz or not), or use
 * the shipped Fashion-MNIST subset; then the dataset view — thumbnails with labels, the class
 * histogram, shape and value range. Pixels are floats in [0, 1]; nothing is normalised here.
 */
import { useMemo, useState } from 'react';
import { MAX_DATASET_BYTES } from '../../../core/settings';
import { importImageFiles, loadBuiltinImages, saveImageDatasetToLibrary } from './imageActions';
import { useStore } from '../../state/store';
import { Plot } from '../../plots/Plot';
import { CLASS_COLORS } from '../../plots/colors';
import { ImageCanvas } from './ImageCanvas';
import { Section } from '../../ui/Section';
import { useBusy } from '../../ui/useBusy';
import { FileButton } from '../../ui/FileButton';

function DropZone() {
  const busy = useBusy();
  const [over, setOver] = useState(false);
  return (
    <div
      className={`dropzone${over ? ' over' : ''}`}
      data-testid="dropzone"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        if (!busy) void importImageFiles([...e.dataTransfer.files]);
      }}
    >
      <p>
        Drop dataset files here: CIFAR-10/100 binary batches (<code>data_batch_1.bin</code>, <code>test_batch.bin</code>, <code>train.bin</code>), or IDX
        image + label files (MNIST, Fashion-MNIST; <code>.gz</code> is fine), or a zip of PNG images in one folder per class. Up to{' '}
        {(MAX_DATASET_BYTES / 2 ** 20).toFixed(0)} MB per file. A file named with “test” or “t10k” becomes the test set.
      </p>
      <div className="row">
        <FileButton disabled={busy} multiple inputTestId="dataset-files" onFiles={(files) => void importImageFiles(files)}>
          Choose files…
        </FileButton>
        <button type="button" className="primary" disabled={busy} data-testid="load-fashion" onClick={() => void loadBuiltinImages()}>
          Use the Fashion-MNIST subset
        </button>
      </div>
    </div>
  );
}

export function DatasetPanel() {
  const d = useStore((s) => s.imageDataset);
  const histogram = useMemo(
    () =>
      d
        ? [
            { type: 'bar', name: 'train', x: d.classNames, y: d.train.classes?.histogram ?? [], marker: { color: CLASS_COLORS[0] } },
            { type: 'bar', name: 'test', x: d.classNames, y: d.test.classes?.histogram ?? [], marker: { color: CLASS_COLORS[1] } },
          ]
        : [],
    [d],
  );
  // Class names stand upright: ten of them side by side in a narrow card would run into each other.
  const layout = useMemo(() => ({ barmode: 'group', height: 260, margin: { l: 40, r: 10, t: 10, b: 10 }, legend: { orientation: 'h', y: 1.15 }, xaxis: { tickangle: -90, automargin: true }, yaxis: { title: { text: 'images' } } }), []);
  return (
    <Section title="Dataset" testId="dataset-panel">
      <DropZone />
      {d ? (
        <div data-testid="dataset-view">
          <p className="dataset-line">
            <strong data-testid="dataset-name">{d.name}</strong> · {d.shape.join('×')} · {d.numClasses} classes · <span data-testid="dataset-train-count">{d.train.records}</span> train /{' '}
            <span data-testid="dataset-test-count">{d.test.records}</span> test{d.testSource === 'held out' ? ' (held out from the training file)' : ''} · pixel range{' '}
            <span data-testid="dataset-range">{d.train.valueRange ? `[${d.train.valueRange[0].toFixed(2)}, ${d.train.valueRange[1].toFixed(2)}]` : '—'}</span>{' '}
            <button type="button" className="small" data-testid="save-dataset" onClick={() => void saveImageDatasetToLibrary()} title="Keep this dataset in the browser (IndexedDB).">
              Save
            </button>
          </p>
          <p className="hint">Pixels are floats in [0, 1]. Any normalisation is a layer inside the model, never a hidden preprocessing step.</p>
          <div className="thumbs" data-testid="thumbnails">
            {Array.from({ length: d.thumbnails.count }, (_, i) => {
              const size = d.shape[0] * d.shape[1] * d.shape[2];
              return (
                <figure key={i}>
                  <ImageCanvas pixels={d.thumbnails.pixels.subarray(i * size, (i + 1) * size)} shape={d.shape} size={48} />
                  <figcaption>{d.classNames[d.thumbnails.labels[i]]}</figcaption>
                </figure>
              );
            })}
          </div>
          <Plot data={histogram} layout={layout} className="plot histogram" testId="class-histogram" />
          {d.files.length ? (
            <p className="hint">
              Files: {d.files.map((f) => `${f.name} (${f.format}${f.gzipped ? ', gzip' : ''}, ${f.records} records)`).join('; ')}
            </p>
          ) : null}
        </div>
      ) : (
        <p className="hint">No dataset loaded yet.</p>
      )}
    </Section>
  );
}
