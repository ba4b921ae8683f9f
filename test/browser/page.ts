/** Helpers for reading the page in browser tests. */
import type { Page } from 'playwright-core';

/** Waits until the backend badge names a backend, and returns it. */
export async function waitForBackend(page: Page): Promise<string> {
  const badge = page.locator('[data-testid=backend-badge][data-backend]');
  await badge.waitFor({ timeout: 60_000 });
  return (await badge.getAttribute('data-backend')) ?? '';
}

/** The backend badge's text, e.g. "wasm · 2 threads". */
export async function backendLabel(page: Page): Promise<string> {
  return ((await page.textContent('[data-testid=backend-badge]')) ?? '').trim();
}

/** A percentage shown in a metric element, as a number (e.g. "97.5%" → 97.5). */
export async function metricValue(page: Page, selector: string): Promise<number> {
  const text = await page.$eval(selector, (el) => (el.querySelector('.v') ?? el).textContent ?? '');
  return parseFloat(text.replace('%', ''));
}

/** The trace types plotly drew in a plot element. */
export async function plotTraceTypes(page: Page, selector: string): Promise<string[]> {
  return page.$eval(selector, (el) => ((el as unknown as { data?: Array<{ type?: string }> }).data ?? []).map((t) => t.type ?? 'scatter'));
}

/** The compute worker's live tensor count. */
export async function workerTensors(page: Page): Promise<number> {
  return page.evaluate(async () => (await (window as unknown as { __workbench: { memory(): Promise<{ numTensors: number }> } }).__workbench.memory()).numTensors);
}

/** The tiny CNN the image tests train: 200 training and 100 test images, one conv layer, one epoch. */
export const TINY_IMAGE_SETTINGS: Array<[string, string]> = [
  ['data.trainLimit', '200'],
  ['data.testLimit', '100'],
  ['model.convLayers', '1'],
  ['model.filters', '4'],
  ['model.dense', '0'],
  ['training.epochs', '1'],
  ['training.batchSize', '20'],
  ['training.learningRate', '0.01'],
];

/** In the Images view with a dataset loaded: fills the settings, trains, and waits for the model. */
export async function trainImageModel(page: Page, settings: Array<[string, string]>): Promise<void> {
  for (const [path, value] of settings) await page.fill(`[data-testid="field-${path}"]`, value);
  await page.click('[data-testid=train-image]');
  await page.waitForSelector('[data-testid=attack-image]:not([disabled])', { timeout: 90_000 });
}

/** The canvas a region plot draws its plane, lines and points on: `[data-testid=X]` → `[data-testid=X-points]`. */
const canvasOf = (selector: string) => selector.replace(/\]$/, '-points]');

/** The pixels of the image that paints a region plot's plane (the grid's bytes its canvas draws), or null when it has none. */
export async function regionImagePixels(page: Page, selector: string): Promise<{ width: number; height: number; rgba: number[] } | null> {
  return page.$eval(canvasOf(selector), (el) => {
    const region = (el as unknown as { region?: { rgba: Uint8ClampedArray; n: number } | null }).region;
    return region ? { width: region.n, height: region.n, rgba: Array.from(region.rgba) } : null;
  });
}

/** Per line layer of a region plot, how many outlines (eps-boxes, radius circles) it draws: the paths between its gaps. */
export async function outlineCounts(page: Page, selector: string): Promise<Record<string, number>> {
  return page.$eval(canvasOf(selector), (el) => {
    const out: Record<string, number> = {};
    for (const t of (el as unknown as { lineLayers?: Array<{ name: string; x: ArrayLike<number | null> }> }).lineLayers ?? []) {
      out[t.name] = t.x.length <= 1 ? 0 : Array.from(t.x).filter((v) => v === null).length;
    }
    return out;
  });
}

/** Waits until a region plot's plane is painted (its canvas has drawn the grid's image). */
export async function waitForRegionImage(page: Page, selector: string, timeout = 90_000): Promise<void> {
  await page.waitForFunction((sel) => !!(document.querySelector(sel) as unknown as { region?: unknown } | null)?.region, canvasOf(selector), { timeout });
}

/** The distinct '#rrggbb' colours of a region image's pixels, with their counts. */
export function colourCounts(pixels: { rgba: number[] }): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < pixels.rgba.length; i += 4) {
    const hex = `#${[0, 1, 2].map((k) => pixels.rgba[i + k].toString(16).padStart(2, '0')).join('')}`;
    counts.set(hex, (counts.get(hex) ?? 0) + 1);
  }
  return counts;
}

/** Elements wider than their box, text under 11 px, and whether the header is one row. */
export function layoutProblems(page: Page) {
  return page.evaluate(() => {
    const overflow = [...document.querySelectorAll('.section, .view-intro, table, .plot, .plot-legend, .header, .message, .job')]
      .filter((e) => e.getClientRects().length && e.scrollWidth > e.clientWidth + 1)
      .map((e) => `${(e as HTMLElement).dataset.testid ?? e.className}: ${e.scrollWidth} > ${e.clientWidth}`);
    const small: string[] = [];
    for (const el of document.querySelectorAll('body *')) {
      if (![...el.childNodes].some((n) => n.nodeType === 3 && (n.textContent ?? '').trim())) continue;
      if (!el.getClientRects().length) continue;
      const size = parseFloat(getComputedStyle(el).fontSize);
      if (size < 11) small.push(`${el.tagName} "${(el.textContent ?? '').trim().slice(0, 20)}" ${size}px`);
    }
    // Tick labels of one axis that run into each other.
    const overlapping: string[] = [];
    for (const plot of document.querySelectorAll('.plot')) {
      for (const axis of ['xtick', 'ytick']) {
        const boxes = [...plot.querySelectorAll(`.${axis} text`)].map((t) => t.getBoundingClientRect()).filter((r) => r.width > 0);
        for (let i = 0; i < boxes.length; i++) {
          for (let j = i + 1; j < boxes.length; j++) {
            const [a, b] = [boxes[i], boxes[j]];
            if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) overlapping.push(`${(plot as HTMLElement).dataset.testid ?? 'plot'} ${axis}`);
          }
        }
      }
    }
    // One row: every item of the header overlaps every other vertically.
    const boxes = [...document.querySelectorAll('.header > *, .views > *, .header-actions > *')].map((e) => e.getBoundingClientRect()).filter((r) => r.height);
    const oneRow = Math.max(...boxes.map((r) => r.top)) < Math.min(...boxes.map((r) => r.bottom));
    const header = document.querySelector('.header')!.getBoundingClientRect().height;
    return { overflow, small, headerHeight: header, oneRow, overlapping: [...new Set(overlapping)] };
  });
}
