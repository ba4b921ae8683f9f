/** Image data and CNNs: load a dataset, train a model on it, attack it. */
import { ViewIntro } from '../../ui/ViewIntro';
import { DatasetPanel } from './DatasetPanel';
import { ImageModelPanel } from './ImageModelPanel';
import { ImageSettings } from './ImageSettings';
import { LibraryPanel } from '../library/LibraryPanel';
import { ViewColumns } from '../../ui/ViewColumns';
import { PresetButton } from '../../ui/PresetButton';
import { useStore } from '../../state/store';
import { runImagesStart } from './imageActions';

/** The view's start while no image model exists: data, a trained CNN and its attack in one press. */
function ImagesStart() {
  const hasModel = useStore((s) => Object.keys(s.imageModels).length > 0);
  if (hasModel) return null;
  return (
    <div className="view-start" data-testid="intro-images-start">
      <span className="hint">No image model yet:</span>
      <PresetButton run={{ preset: 'images-start', work: 1 }} testId="images-start" onRun={runImagesStart} title="Loads the shipped Fashion-MNIST subset (unless a dataset is loaded), trains a CNN with the settings on the left and attacks it.">
        Load Fashion-MNIST, train a CNN and attack it
      </PresetButton>
    </div>
  );
}

export function ImagesView() {
  return (
    <ViewColumns
      intro={
        <ViewIntro
          id="images"
          title="Images: the same methods on real pictures"
          idea="Train a small convolutional network on real images (the shipped Fashion-MNIST subset, or CIFAR and PNG files you drop here) and attack it with the same attacks as on 2-D data. Everything the papers measure on MNIST and CIFAR-10 runs here in miniature."
          papers={[]}
          start={<ImagesStart />}
        />
      }
      className="images"
      testId="images-view"
      settings={
        <>
          <ImageSettings />
        </>
      }
      center={
        <>
          <DatasetPanel />
        </>
      }
      results={
        <>
          <ImageModelPanel />
          <LibraryPanel />
        </>
      }
    />
  );
}
