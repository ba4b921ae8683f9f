/** Image data and CNNs: load a dataset, train a model on it, attack it. */
import { DatasetPanel } from './DatasetPanel';
import { ImageModelPanel } from './ImageModelPanel';
import { ImageSettings } from './ImageSettings';
import { LibraryPanel } from './LibraryPanel';

export function ImagesView() {
  return (
    <div className="playground images" data-testid="images-view">
      <aside className="settings">
        <ImageSettings />
      </aside>
      <main className="center">
        <DatasetPanel />
      </main>
      <aside className="results">
        <ImageModelPanel />
        <LibraryPanel />
      </aside>
    </div>
  );
}
