/**
 * The arena's promise of reproducibility, end to end: the config a user downloads from the Arena
 * view, given to `npm run cli -- arena` on the same backend (wasm), reproduces every number of the
 * page's table — each family's outcomes, per-input decisions, attacks, certified and verified
 * shares, paper measure, coverage curve and decision regions — on 2-D data with all ten families,
 * and on the shipped Fashion-MNIST subset (the CLI reading the same IDX files with --data).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { BASE_URL, launchBrowser } from './launch';
import { waitForBackend } from './page';

const run = promisify(execFile);
const FAMILIES = ['standard', 'pgd-at', 'trades', 'era-selector', 'rr', 'gaussian', 'cat-rs', 'sample-rejection', 'ibp-m1', 'ibp-m3'];
const SUBSET = 'public/data/fashion-mnist-subset';
/** Everything a row reports that a rerun must reproduce (not the timings). */
const REPRODUCED = ['family', 'status', 'note', 'attacks', 'outcomes', 'guarantees', 'guaranteeNote', 'paperMeasure', 'coverage', 'decisions', 'grid'] as const;

interface Result {
  config: unknown;
  backend: string;
  complete: boolean;
  numClasses: number;
  inputShape: number[];
  labels: number[];
  points: number[];
  rows: Array<Record<string, unknown> & { cost: { seed: number; epochs: number; optimizerSteps: number } | null }>;
}

let browser: Browser;
let page: Page;
let dir: string;
const errors: string[] = [];
/** Stops a CLI run that outlives its test (a timeout must not leave it computing beside the next file). */
let cliRun = new AbortController();
/** Each test: a page run and a CLI run of up to 5 minutes each on a slow machine. */
const TEST_TIMEOUT = 720_000;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'arena-reproduce-'));
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1600, height: 1100 }, acceptDownloads: true });
  page.on('pageerror', (e) => errors.push(e.message));
  // The CLI computes on wasm: force the page onto the same backend.
  await page.goto(`${BASE_URL}?view=arena&backend=wasm`);
  expect(await waitForBackend(page)).toBe('wasm');
  await page.waitForSelector('[data-testid=arena-view]');
});
afterEach(() => {
  cliRun.abort();
  cliRun = new AbortController();
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function runInPage(): Promise<void> {
  const before = Number(await page.getAttribute('[data-testid=arena-view]', 'data-runs'));
  await page.click('[data-testid=arena-run]');
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=arena-view]')?.getAttribute('data-runs')) > n, before, { timeout: 300_000 });
  await page.waitForSelector('[data-testid=jobs][hidden]', { state: 'attached', timeout: 60_000 });
}

async function download(testid: string, name: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid=${testid}]`)]);
  const path = join(dir, name);
  writeFileSync(path, readFileSync((await file.path())!));
  return path;
}

async function runCli(config: string, out: string, extra: string[] = []): Promise<Result> {
  await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'arena', config, '--out', out, '--backend', 'wasm', ...extra], { timeout: 300_000, cwd: join(__dirname, '..', '..'), signal: cliRun.signal });
  return JSON.parse(readFileSync(out, 'utf8')) as Result;
}

function expectSameNumbers(cli: Result, pageResult: Result): void {
  expect(cli.backend).toBe('wasm');
  expect(cli.complete).toBe(true);
  expect(cli.config).toEqual(pageResult.config);
  expect([cli.numClasses, cli.inputShape]).toEqual([pageResult.numClasses, pageResult.inputShape]);
  expect(cli.labels).toEqual(pageResult.labels);
  expect(cli.points).toEqual(pageResult.points);
  expect(cli.rows.map((r) => r.family)).toEqual(pageResult.rows.map((r) => r.family));
  for (const [i, row] of pageResult.rows.entries()) {
    for (const key of REPRODUCED) expect(cli.rows[i][key], `${String(row.family)} ${key}`).toEqual(row[key]);
    const { seed, epochs, optimizerSteps } = row.cost ?? { seed: NaN, epochs: NaN, optimizerSteps: NaN };
    expect(cli.rows[i].cost).toMatchObject({ seed, epochs, optimizerSteps });
  }
}

test('2-D data, all ten families: the exported config run through the CLI gives the page\'s numbers', async () => {
  for (const [field, value] of [['data-size', '200'], ['budget-epochs', '3'], ['budget-trainingAttackSteps', '3'], ['budget-attackSteps', '5'], ['smoothing-predictSamples', '200'], ['smoothing-certifyN', '1000']]) {
    await page.fill(`[data-testid=arena-${field}]`, value);
  }
  for (const f of FAMILIES) expect(await page.isChecked(`[data-testid=arena-family-${f}]`)).toBe(true);
  await runInPage();
  const pageResult = JSON.parse(readFileSync(await download('arena-download-json', 'page-2d.json'), 'utf8')) as Result;
  expect(pageResult.backend).toBe('wasm');
  expect(pageResult.rows.map((r) => r.status)).toEqual(FAMILIES.map(() => 'done'));
  const config = await download('arena-download-config', 'arena-2d.json');
  // The download is the config that ran.
  expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual(pageResult.config);
  expectSameNumbers(await runCli(config, join(dir, 'cli-2d.json')), pageResult);
  expect(errors).toEqual([]);
}, TEST_TIMEOUT);

test('the shipped Fashion-MNIST subset: the same config and IDX files through the CLI give the page\'s numbers', async () => {
  await page.selectOption('[data-testid=arena-source]', 'images');
  await page.click('[data-testid=arena-load-subset]');
  await expect.poll(() => page.textContent('[data-testid=arena-image-dataset]'), { timeout: 60_000 }).toMatch(/Fashion-MNIST/);
  for (const [field, value] of [['images-trainLimit', '100'], ['count', '12'], ['budget-epochs', '1'], ['budget-attackSteps', '2'], ['smoothing-predictSamples', '30'], ['smoothing-certifyN', '100']]) {
    await page.fill(`[data-testid=arena-${field}]`, value);
  }
  // A plain CNN, a smoothed one and an abstain class: the three ways the image arena decides.
  for (const f of FAMILIES) if (!['standard', 'gaussian', 'ibp-m1'].includes(f)) await page.uncheck(`[data-testid=arena-family-${f}]`);
  await runInPage();
  const pageResult = JSON.parse(readFileSync(await download('arena-download-json', 'page-images.json'), 'utf8')) as Result;
  expect(pageResult.rows.map((r) => r.status)).toEqual(['done', 'done', 'done']);
  const config = await download('arena-download-config', 'arena-images.json');
  expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual(pageResult.config);
  const files = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'].flatMap((f) => ['--data', join(SUBSET, f)]);
  expectSameNumbers(await runCli(config, join(dir, 'cli-images.json'), files), pageResult);
  expect(errors).toEqual([]);
}, TEST_TIMEOUT);
