#!/usr/bin/env node
/**
 * Writes the Fashion-MNIST subset that ships in public/data/fashion-mnist-subset/ (so that the
 * image demos work with no download), from Debian's dataset-fashion-mnist
 * (/usr/share/datasets/fashion-mnist/*.gz: Zalando's Fashion-MNIST, MIT licence).
 *
 *   npx tsx scripts/make-fashion-subset.mjs [SOURCE_DIR]
 *
 * (tsx, because it reads the files with the core's own parsers in src/core/data.)
 *
 * Choice, deterministic and seed-free: the first 200 images of each class in the order of the
 * training file (2,000 images), and the first 50 of each class in the order of the test file
 * (500 images), kept in file order. Written as IDX unsigned-byte files, gzipped with fflate's
 * gzipSync at level 9 with no time stamp and no file name, so that running the script again
 * gives the same bytes.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'fflate';
import { gunzip } from '../src/core/data/gzip.ts';
import { encodeIdx, idxToLabels, parseIdx } from '../src/core/data/idx.ts';
import { firstIndicesPerClass } from '../src/core/data/imageDataset.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = process.argv[2] ?? '/usr/share/datasets/fashion-mnist';
const OUT = join(ROOT, 'public', 'data', 'fashion-mnist-subset');
const NUM_CLASSES = 10;
const SPLITS = [
  { prefix: 'train', perClass: 200 },
  { prefix: 't10k', perClass: 50 },
];

function readIdx(name) {
  const path = join(SOURCE, name);
  return parseIdx(gunzip(readFileSync(path), { name: path }), name);
}

mkdirSync(OUT, { recursive: true });
for (const { prefix, perClass } of SPLITS) {
  const imagesName = `${prefix}-images-idx3-ubyte.gz`;
  const labelsName = `${prefix}-labels-idx1-ubyte.gz`;
  const images = readIdx(imagesName);
  const labels = idxToLabels(readIdx(labelsName), labelsName).labels;
  if (images.type !== 'ubyte' || images.dims.length !== 3) throw new Error(`${imagesName}: expected ubyte images, found ${images.type} ${images.dims.join('x')}`);
  const [n, h, w] = images.dims;
  if (labels.length !== n) throw new Error(`${n} images but ${labels.length} labels`);

  const chosen = firstIndicesPerClass(labels, NUM_CLASSES, perClass);
  const size = h * w;
  const pixels = new Uint8Array(chosen.length * size);
  const subLabels = new Uint8Array(chosen.length);
  chosen.forEach((i, k) => {
    pixels.set(images.data.subarray(i * size, (i + 1) * size), k * size);
    subLabels[k] = labels[i];
  });

  const gz = (bytes) => gzipSync(bytes, { level: 9, mtime: 0 });
  const imagesOut = gz(encodeIdx([chosen.length, h, w], pixels));
  const labelsOut = gz(encodeIdx([chosen.length], subLabels));
  writeFileSync(join(OUT, imagesName), imagesOut);
  writeFileSync(join(OUT, labelsName), labelsOut);
  console.log(
    `${prefix}: ${chosen.length} of ${n} images (first ${perClass} per class; source indices ${chosen[0]}..${chosen[chosen.length - 1]}) -> ` +
      `${imagesName} ${imagesOut.length} bytes, ${labelsName} ${labelsOut.length} bytes`,
  );
}
