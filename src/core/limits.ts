/**
 * The limits on what the workbench reads, in one place. Each counts what is decoded or allocated,
 * not what is shipped: a dataset's bytes after decompression (and the pixels PNG headers declare),
 * a model's parameters as its weights manifest declares them. The CLI raises them with
 * --max-file-mb and --max-params; the page uses these defaults.
 */

/**
 * Largest dataset file accepted, in bytes after decompression (300 MiB): CIFAR-100's training set
 * in one file (154 MB) fits, and 6× Fashion-MNIST's training images (47 MB). The images take 4×
 * this as float32. The page checks a file's size against it before reading it; the parsers
 * enforce it before and while decompressing.
 */
export const MAX_DATASET_BYTES = 300 * 2 ** 20;

/** Largest text file read whole: an experiment config, a certification log, a model.json (16 MiB). */
export const MAX_TEXT_FILE_BYTES = 16 * 2 ** 20;

/**
 * Most parameters a loaded model may declare (20 million, 80 MB as float32; the workbench's own
 * CNNs have under a million). The weight file must then hold exactly the bytes its manifest
 * declares, so nothing larger is allocated.
 */
export const MAX_MODEL_PARAMS = 20_000_000;

/**
 * Most memory one batch of noisy copies may take in randomized smoothing (1 GiB): the WASM heap
 * ends at 4 GiB, and a batch is estimated from the model's layer sizes (certify/batchMemory.ts).
 */
export const MAX_BATCH_BYTES = 2 ** 30;

/** "12.3 MB" for messages. */
export const megabytes = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

/**
 * The error for a file over a limit, naming the file, its size and the limit: "config.json is 40.0
 * MB; the workbench reads config files up to 16.8 MB."
 */
export function fileTooLarge(name: string, bytes: number, limit: number, what: string): string {
  return `${name} is ${megabytes(bytes)}; the workbench reads ${what} up to ${megabytes(limit)}.`;
}
