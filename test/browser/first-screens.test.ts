/**
 * What a newcomer meets: every view opens with its idea in two visible sentences and the papers
 * it comes from (named and linked, never by number); a view without a model offers a preset with
 * its expected duration and a quick model; after a playground run the page suggests the next
 * step; one notice at a time. The layout holds at 1280 × 800 and 1920 × 1080 (no card, table or
 * plot wider than its box, the header on one row, no text under 11 px, no tick labels running
 * into each other), and each view is screenshotted under a deuteranopia emulation for a look by
 * eye (test-results/vision/).
 */
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { BASE_URL, launchBrowser } from './launch';
import { layoutProblems, waitForBackend } from './page';

const VIEWS = ['playground', 'figure1', 'images', 'smoothing', 'rejection', 'verify', 'bench'] as const;

let browser: Browser;
const pageErrors: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  mkdirSync('test-results/vision', { recursive: true });
});
afterAll(async () => {
  await browser?.close();
});

async function open(width: number, height: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return page;
}

test('every view states its idea in two visible sentences, names its papers with links, and remembers being collapsed', async () => {
  const page = await open(1440, 900);
  for (const view of VIEWS) {
    await page.goto(`${BASE_URL}?view=${view}`);
    await waitForBackend(page);
    const idea = (await page.textContent(`[data-testid=intro-${view}-idea]`)) ?? '';
    expect(idea.split(/(?<=\.)\s+/).filter((s) => s.trim()).length, `${view}: "${idea}"`).toBe(2);
    expect(await page.isVisible(`[data-testid=intro-${view}-idea]`)).toBe(true);
    // No paper is named by a number anywhere on the first screen.
    expect(await page.textContent('body'), view).not.toMatch(/[Pp]apers? 00\d/);
  }
  await page.goto(`${BASE_URL}?view=rejection`);
  const link = page.locator('[data-testid=intro-rejection] a.paper-link');
  expect(await link.getAttribute('href')).toBe('https://arxiv.org/abs/2105.14785');
  expect(await link.textContent()).toMatch(/Two Coupled Rejection Metrics Can Tell Adversarial Examples Apart \(Tianyu Pang/);
  await page.click('[data-testid=intro-rejection-toggle]');
  expect(await page.locator('[data-testid=intro-rejection-idea]').count()).toBe(0);
  await page.reload();
  await waitForBackend(page);
  expect(await page.locator('[data-testid=intro-rejection-idea]').count()).toBe(0);
  await page.click('[data-testid=intro-rejection-toggle]');
  expect(await page.isVisible('[data-testid=intro-rejection-idea]')).toBe(true);
  await page.context().close();
});

test('a view without a model offers its preset with an expected duration and a quick model, which trains one for it', async () => {
  const page = await open(1440, 900);
  await page.goto(`${BASE_URL}?view=verify`);
  await waitForBackend(page);
  expect(await page.textContent('[data-testid=verify-preset-top-duration]')).toMatch(/^ \(≈ \d+ s\*\)$/);
  await page.goto(`${BASE_URL}?view=smoothing`);
  await waitForBackend(page);
  // Smoothing offers its preset (the comparison of the smoothing methods) beside the quick model.
  expect(await page.textContent('[data-testid=smoothing-preset-top-duration]')).toMatch(/^ \(≈ \d+ s\*\)$/);
  const duration = (await page.textContent('[data-testid=quick-model-smoothing-duration]')) ?? '';
  expect(duration).toMatch(/\*\)$/); // the reference machine's figure until it has run here
  await page.click('[data-testid=quick-model-smoothing]');
  await page.waitForSelector('[data-testid=smoothing-source]', { timeout: 120_000 });
  await page.waitForSelector('[data-testid=jobs][hidden]', { state: 'attached', timeout: 120_000 });
  expect(await page.textContent('[data-testid=smoothing-source]')).toMatch(/Gaussian augmentation/);
  // The start buttons go once a model exists; the run's time is kept for next time.
  expect(await page.locator('[data-testid=intro-smoothing-start]').count()).toBe(0);
  const kept = await page.evaluate(() => JSON.parse(localStorage.getItem('workbench.presetTimes.v1') ?? '{}') as Record<string, { msPerWork: number }>);
  const key = Object.keys(kept).find((k) => k.endsWith(':quick-smoothing'));
  expect(key).toBeDefined();
  expect(kept[key!].msPerWork).toBeGreaterThan(100);
  await page.context().close();
});

test('after a playground run the page suggests the next step and takes it; one notice at a time', async () => {
  const page = await open(1440, 900);
  const small = { 'data.size': '200', 'training.method': 'standard', 'training.epochs': '2', 'evaluation.attack.steps': '5', 'evaluation.gridResolution': '40' };
  await page.goto(`${BASE_URL}?${new URLSearchParams(small)}`);
  await waitForBackend(page);
  await page.click('[data-testid=train]');
  await page.waitForSelector('[data-testid=next-step]', { timeout: 90_000 });
  expect(await page.textContent('[data-testid=next-step]')).toMatch(/Now train adversarially/);
  await page.waitForSelector('[data-testid=jobs][hidden]', { state: 'attached' });
  await page.click('[data-testid=next-step-run]');
  await expect.poll(() => page.inputValue('[data-testid="field-training.method"]')).toBe('trades');
  await page.waitForFunction(() => /Train with ERA/.test(document.querySelector('[data-testid=next-step]')?.textContent ?? ''), undefined, { timeout: 90_000 });
  // Two runs, each with a closing notice: only the newest one is shown, in words (no method ids).
  const notices = await page.$$eval('[data-testid=message-info]', (els) => els.map((e) => e.textContent ?? ''));
  expect(notices).toHaveLength(1);
  expect(notices[0]).toMatch(/TRADES/);
  expect(notices[0]).not.toMatch(/\btrades\b/);
  await page.context().close();
});

test('presentation mode: larger text, no settings column, kept in the link; each plot goes full screen', async () => {
  const page = await open(1280, 800);
  await page.goto(BASE_URL);
  await waitForBackend(page);
  const ideaSize = () => page.$eval('[data-testid=intro-playground-idea]', (e) => parseFloat(getComputedStyle(e).fontSize));
  const before = await ideaSize();
  expect(await page.isVisible('.playground > .settings')).toBe(true);
  await page.click('[data-testid=present]');
  expect(new URL(page.url()).searchParams.get('present')).toBe('1');
  expect(await ideaSize()).toBeGreaterThan(before + 2);
  expect(await page.isVisible('.playground > .settings')).toBe(false);
  // Under an open lesson, the lesson takes the view intro's place.
  await page.goto(`${BASE_URL}?present=1&lesson=pgd&step=1`);
  await waitForBackend(page);
  await page.waitForSelector('[data-testid=lesson-dock]');
  expect(await page.isVisible('[data-testid=intro-playground]')).toBe(false);
  await page.click('[data-testid=lesson-close]');
  await expect.poll(() => page.isVisible('[data-testid=intro-playground]')).toBe(true);
  // A shared link opens in the mode; the shortcut leaves it.
  await page.goto(`${BASE_URL}?present=1`);
  await waitForBackend(page);
  expect(await page.isVisible('.playground > .settings')).toBe(false);
  await page.keyboard.press('Control+Alt+KeyP');
  expect(await page.isVisible('.playground > .settings')).toBe(true);
  expect(new URL(page.url()).searchParams.get('present')).toBeNull();
  // Full screen: the regions plot with its point canvas.
  await page.click('.region-plot .fullscreen');
  await expect.poll(() => page.evaluate(() => document.fullscreenElement?.className ?? '')).toBe('region-plot');
  await page.evaluate(() => document.exitFullscreen());
  await page.context().close();
});

for (const [width, height] of [
  [1280, 800],
  [1920, 1080],
] as const) {
  test(`at ${width} × ${height}: no overflow, the header on one row, no text under 11 px; deuteranopia screenshots`, async () => {
    const page = await open(width, height);
    const cdp = await page.context().newCDPSession(page);
    for (const view of VIEWS) {
      await page.goto(`${BASE_URL}?view=${view}`);
      await waitForBackend(page);
      await page.waitForTimeout(500);
      const p = await layoutProblems(page);
      expect(p.overflow, `${view}: elements wider than their box`).toEqual([]);
      expect(p.small, `${view}: text under 11 px`).toEqual([]);
      expect(p.oneRow, `${view}: header items on one row`).toBe(true);
      expect(p.overlapping, `${view}: overlapping tick labels`).toEqual([]);
      expect(p.headerHeight).toBeLessThan(64);
      if (width === 1280) {
        await cdp.send('Emulation.setEmulatedVisionDeficiency', { type: 'deuteranopia' });
        await page.screenshot({ path: `test-results/vision/${view}-deuteranopia.png` });
        await cdp.send('Emulation.setEmulatedVisionDeficiency', { type: 'none' });
      }
    }
    await page.context().close();
    expect(pageErrors).toEqual([]);
  });
}

test('the Images view starts with one press: the shipped subset, a trained CNN and its attack, timed for next time', async () => {
  const page = await open(1440, 900);
  await page.goto(`${BASE_URL}?view=images`);
  await waitForBackend(page);
  expect(await page.textContent('[data-testid=images-start-duration]')).toMatch(/^ \(≈ \d+ s\*\)$/);
  await page.click('[data-testid=images-start]');
  await page.waitForSelector('[data-testid=image-metrics]', { timeout: 120_000 });
  await page.waitForSelector('[data-testid=jobs][hidden]', { state: 'attached', timeout: 120_000 });
  expect(await page.locator('[data-testid=intro-images-start]').count()).toBe(0);
  const kept = await page.evaluate(() => JSON.parse(localStorage.getItem('workbench.presetTimes.v1') ?? '{}') as Record<string, { msPerWork: number }>);
  expect(kept[Object.keys(kept).find((k) => k.endsWith(':images-start'))!]?.msPerWork).toBeGreaterThan(1000);
  await page.context().close();
});
