/**
 * `npm run cli -- inspect FILE [LABELS_FILE] [--json]` (src/cli/commands/inspect.ts), run as a
 * child process (node --import tsx src/cli/main.ts): the summary of the shipped Fashion-MNIST
 * subset (text and JSON), a CIFAR-10 file written here, and exit status 2 with a message on
 * stderr for malformed, mismatched and missing files.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const ROOT = resolve(__dirname, '..', '..');
const SUBSET = 'public/data/fashion-mnist-subset';

function inspect(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'inspect', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'inspect-test-'));
  // 3 CIFAR-10 records, labels 2, 0, 2; pixels 0 and 255 only.
  const cifar = new Uint8Array(3 * 3073);
  [2, 0, 2].forEach((label, i) => {
    cifar[i * 3073] = label;
    cifar.fill(i === 1 ? 255 : 0, i * 3073 + 1, (i + 1) * 3073);
  });
  writeFileSync(join(dir, 'data_batch_1.bin'), cifar);
  writeFileSync(join(dir, 'data_batch_2.bin'), cifar.subarray(0, 3 * 3073 - 10));
  writeFileSync(join(dir, 'bad-images-idx3-ubyte'), Uint8Array.from([0x08, 0x03, 0, 0, 0, 0, 0, 1]));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('cli inspect', () => {
  test('the shipped train subset with its labels: records, classes with counts, shape, value range', () => {
    const r = inspect(`${SUBSET}/train-images-idx3-ubyte.gz`, `${SUBSET}/train-labels-idx1-ubyte.gz`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`File:    ${SUBSET}/train-images-idx3-ubyte.gz (IDX images, 1,568,016 bytes after gunzip)`);
    expect(lines[1]).toBe(`Labels:  ${SUBSET}/train-labels-idx1-ubyte.gz (IDX labels, 2,008 bytes after gunzip)`);
    expect(lines).toContain('Records: 2,000');
    expect(lines).toContain('Shape:   28×28×1 (height×width×channels; images NHWC float32)');
    expect(lines).toContain('Values:  [0, 1]');
    expect(lines).toContain('Classes: 10');
    const classLines = lines.slice(lines.indexOf('Classes: 10') + 1);
    expect(classLines).toHaveLength(10);
    expect(classLines[0]).toMatch(/^ {2}0 T-shirt\/top +200$/);
    expect(classLines[9]).toMatch(/^ {2}9 Ankle boot +200$/);
    for (const line of classLines) expect(line).toMatch(/ 200$/);
  });

  test('--json on the test subset (labels file first): machine-readable summary', () => {
    const r = inspect(`${SUBSET}/t10k-labels-idx1-ubyte.gz`, `${SUBSET}/t10k-images-idx3-ubyte.gz`, '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.command).toBe('inspect');
    expect(out.records).toBe(500);
    expect(out.shape).toEqual([28, 28, 1]);
    expect(out.valueRange).toEqual([0, 1]);
    expect(out.classes.numClasses).toBe(10);
    expect(out.classes.histogram).toEqual(new Array(10).fill(50));
    expect(out.classes.names[8]).toBe('Bag');
    expect(out.files.map((f: { kind: string }) => f.kind)).toEqual(['images', 'labels']);
    expect(out.files[0]).toMatchObject({ format: 'IDX', gzipped: true, bytes: 16 + 500 * 784 });
  });

  test('an image file alone: no classes; a labels file alone: the histogram', () => {
    const images = inspect(`${SUBSET}/t10k-images-idx3-ubyte.gz`, '--json');
    expect(images.code).toBe(0);
    expect(JSON.parse(images.stdout)).toMatchObject({ records: 500, shape: [28, 28, 1], classes: null });
    const labels = inspect(`${SUBSET}/t10k-labels-idx1-ubyte.gz`);
    expect(labels.code).toBe(0);
    expect(labels.stdout).toContain('Records: 500');
    expect(labels.stdout).toContain('Classes: 10');
  });

  test('a CIFAR-10 batch', () => {
    const r = inspect(join(dir, 'data_batch_1.bin'), '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.files[0]).toMatchObject({ format: 'CIFAR-10 binary', kind: 'dataset', gzipped: false, bytes: 9219 });
    expect(out.records).toBe(3);
    expect(out.shape).toEqual([32, 32, 3]);
    expect(out.valueRange).toEqual([0, 1]);
    expect(out.classes.histogram).toEqual([1, 0, 2, 0, 0, 0, 0, 0, 0, 0]);
    expect(out.classes.names[2]).toBe('bird');
  });

  test('malformed files: exit 2, a message on stderr, nothing on stdout', () => {
    const truncated = inspect(join(dir, 'data_batch_2.bin'));
    expect(truncated.code).toBe(2);
    expect(truncated.stdout).toBe('');
    expect(truncated.stderr).toMatch(/^error: .*data_batch_2\.bin.*record 2 \(counting from 0\) is truncated, it has 3,063 of its 3,073 bytes \(10 missing\)/);

    const magic = inspect(join(dir, 'bad-images-idx3-ubyte'));
    expect(magic.code).toBe(2);
    expect(magic.stderr).toMatch(/wrong magic number 0x08030000/);

    const notData = inspect('package.json');
    expect(notData.code).toBe(2);
    expect(notData.stderr).toMatch(/^error: package\.json: unrecognised dataset file/);
  });

  test('images and labels that do not pair: exit 2', () => {
    const r = inspect(`${SUBSET}/train-images-idx3-ubyte.gz`, `${SUBSET}/t10k-labels-idx1-ubyte.gz`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: 2000 images but 500 labels/);
  });

  test('a missing file, a folder, no file: exit 2 with a message', () => {
    const missing = inspect(join(dir, 'nope.bin'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: Cannot read .*nope\.bin: no such file/);
    const folder = inspect(dir);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(/is a folder, not a dataset file/);
    const none = inspect();
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/missing the dataset file/);
    const help = inspect('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run cli -- inspect FILE \[LABELS_FILE\]/);
  });
});
