/** The worker's library requests (IndexedDB): saved models (2-D and image), runs and image datasets. */
import type { ImageDatasetView, ImageModelSummary } from './images';
import type { ModelSummary } from './playground';

export type LibraryKind = 'models' | 'runs' | 'datasets';

export interface LibraryItem {
  id: string;
  name: string;
  createdAt: number;
  /** Approximate size of the payload in bytes. */
  bytes: number;
  /** Small, kind-specific description shown in lists (JSON-serialisable). */
  info: Record<string, unknown>;
}

export interface LibraryWorkerApi {
  library(kind: LibraryKind): Promise<LibraryItem[]>;
  saveModel(modelId: string, name: string): Promise<LibraryItem>;
  loadSavedModel(storedId: string, asModelId: string): Promise<ModelSummary>;
  saveRun(name: string, info: Record<string, unknown>, data: unknown): Promise<LibraryItem>;
  runRecord(storedId: string): Promise<unknown>;
  renameSaved(kind: LibraryKind, id: string, name: string): Promise<LibraryItem>;
  deleteSaved(kind: LibraryKind, id: string): Promise<void>;
  saveImageDataset(datasetId: string, name: string): Promise<LibraryItem>;
  loadSavedImageDataset(storedId: string): Promise<ImageDatasetView>;
  saveImageModel(modelId: string, name: string): Promise<LibraryItem>;
  loadSavedImageModel(storedId: string, asModelId: string): Promise<ImageModelSummary>;
}
