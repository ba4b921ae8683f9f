/** Image data and CNNs: load a dataset, train a model on it, attack it. */
import { ViewIntro } from '../../ui/ViewIntro';
import { DatasetPanel } from './DatasetPanel';
import { ImageModelPanel } from './ImageModelPanel';
import { ImageSettings } from './ImageSettings';
import { LibraryPanel } from '../library/LibraryPanel';
import { ViewColumns } from '../../ui/ViewColumns';

export function ImagesView() {
  return (
    <ViewColumns
      intro={
        <ViewIntro
          id="images"
          title="Images: the same methods on real pictures"
          idea="Train a small convolutional network on real images (the shipped Fashion-MNIST subset, or CIFAR and PNG files you drop here) and attack it with the same attacks as on 2-D data. Everything the papers measure on MNIST and CIFAR-10 runs here in miniature."
          papers={[]}
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
