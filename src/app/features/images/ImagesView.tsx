/** Image data and CNNs: load a dataset, train a model on it, attack it. */
import { DatasetPanel } from './DatasetPanel';
import { ImageModelPanel } from './ImageModelPanel';
import { ImageSettings } from './ImageSettings';
import { LibraryPanel } from '../library/LibraryPanel';
import { ViewColumns } from '../../ui/ViewColumns';

export function ImagesView() {
  return (
    <ViewColumns
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
