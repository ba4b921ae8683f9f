/**
 * The guided lessons: the Lessons view lists them with their papers; every step of every lesson
 * opens from its own URL in its view (a screenshot of each goes to test-results/lessons/); Prev /
 * Next and the arrow and Page keys move between steps with the URL following; and one action per
 * lesson really runs the workbench, its result appearing where the step's callout points.
 */
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { LESSONS } from '../../src/app/features/lessons/content/lessons';
import { PAPERS, type PaperId } from '../../src/app/papers';
import { referencesIn, sentenceText } from '../../src/app/features/lessons/lessonText';
import { BASE_URL, launchBrowser } from './launch';
import { metricValue, waitForBackend, waitForRegionImage } from './page';

const SHOTS = 'test-results/lessons';

let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  browser = await launchBrowser();
  mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  await context?.close();
  // 1280 px: the narrowest width the dock must fit without overflowing.
  context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  page = await context.newPage();
  pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

const stepUrl = (lesson: string, step: number) => `${BASE_URL}?lesson=${lesson}&step=${step}`;
const stepCount = () => page.textContent('[data-testid=lesson-step-count]');
const urlStep = () => {
  const params = new URL(page.url()).searchParams;
  return `${params.get('lesson')}/${params.get('step')}`;
};

test('the Lessons view lists every lesson with its papers named by title, with links', async () => {
  expect(LESSONS.length).toBeGreaterThanOrEqual(7);
  await page.goto(`${BASE_URL}?view=lessons`);
  await page.waitForSelector('[data-testid=lessons-view]');
  expect(await page.locator('[data-testid=lesson-card]').count()).toBe(LESSONS.length);
  for (const lesson of LESSONS) {
    expect(lesson.steps.length).toBeGreaterThanOrEqual(3);
    expect(lesson.steps.length).toBeLessThanOrEqual(5);
    expect(lesson.papers.length).toBeGreaterThan(0);
    // Every paper a sentence refers to is among the lesson's papers.
    for (const ref of referencesIn(lesson.steps.flatMap((s) => s.text))) expect(lesson.papers).toContain(ref);
    const card = page.locator(`[data-testid=lesson-card][data-lesson="${lesson.id}"]`);
    expect(await card.locator('h3').textContent()).toContain(lesson.title);
    expect(await card.locator('[data-testid=lesson-card-meta]').textContent()).toMatch(new RegExp(`^${lesson.steps.length} steps · about \\d`));
    const links = await card.locator('[data-testid=lesson-paper]').evaluateAll((as) => as.map((a) => ({ text: a.textContent ?? '', href: (a as HTMLAnchorElement).href })));
    expect(links.length).toBe(lesson.papers.length);
    for (const [i, id] of lesson.papers.entries()) {
      const p = PAPERS[id];
      expect(links[i].text).toContain(p.title);
      expect(links[i].text).toContain(p.authors.split(',')[0]);
      expect(links[i].href).toBe(p.url);
    }
    expect(await card.locator('[data-testid=lesson-start]').getAttribute('href')).toMatch(new RegExp(`lesson=${lesson.id}&step=1$`));
  }
  // No paper is shown by its number.
  expect(await page.textContent('[data-testid=lessons-view]')).not.toMatch(/paper \d{3}/i);
  await page.click(`[data-testid=lesson-card][data-lesson="${LESSONS[1].id}"] [data-testid=lesson-start]`);
  await expect.poll(stepCount).toBe(`step 1 of ${LESSONS[1].steps.length}`);
  expect(urlStep()).toBe(`${LESSONS[1].id}/1`);
  expect(pageErrors).toEqual([]);
});

test('every step of every lesson opens from its own URL, in its view', async () => {
  for (const lesson of LESSONS) {
    for (const [i, step] of lesson.steps.entries()) {
      const k = i + 1;
      await page.goto(stepUrl(lesson.id, k));
      await expect.poll(stepCount).toBe(`step ${k} of ${lesson.steps.length}`);
      expect(await page.textContent('[data-testid=lesson-title]')).toBe(lesson.title);
      expect(await page.textContent('[data-testid=lesson-step-title]')).toBe(step.title);
      expect(await page.locator('[data-testid=lesson-text]').allTextContents()).toEqual(step.text.map(sentenceText));
      expect(step.text.length).toBeGreaterThanOrEqual(2);
      expect(step.text.length).toBeLessThanOrEqual(4);
      expect(await page.locator('[data-testid=lesson-callout]').count()).toBe(step.callouts.length);
      expect(await page.textContent('[data-testid=lesson-action]')).toBe(step.action.label);
      // The view switched, and the address keeps the step (a reload lands on it).
      await page.waitForSelector(`[data-testid=view-${step.view}].active`);
      expect(urlStep()).toBe(`${lesson.id}/${k}`);
      // Paper references in the sentences are links to the papers.
      const refs = referencesIn(step.text) as PaperId[];
      const hrefs = await page.locator('[data-testid=lesson-text] a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
      expect(hrefs).toEqual(refs.map((id) => PAPERS[id].url));
      await page.screenshot({ path: `${SHOTS}/${lesson.id}-${k}.png` });
    }
  }
  // The dock fits the 1280 px page, and none of its text is under 11 px.
  const fit = await page.$eval('[data-testid=lesson-dock]', (dock) => {
    const sizes = [...dock.querySelectorAll('*')].filter((el) => el.childNodes.length && [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent!.trim())).map((el) => parseFloat(getComputedStyle(el).fontSize));
    return { scroll: dock.scrollWidth, client: dock.clientWidth, right: dock.getBoundingClientRect().right, page: document.documentElement.scrollWidth, minFont: Math.min(...sizes) };
  });
  expect(fit.scroll).toBeLessThanOrEqual(fit.client);
  expect(fit.right).toBeLessThanOrEqual(1280);
  expect(fit.minFont).toBeGreaterThanOrEqual(11);
  expect(pageErrors).toEqual([]);
});

test('Prev / Next and the arrow and Page keys move between steps, and the URL follows', async () => {
  const lesson = LESSONS[0];
  await page.goto(stepUrl(lesson.id, 1));
  await expect.poll(stepCount).toBe(`step 1 of ${lesson.steps.length}`);
  expect(await page.isDisabled('[data-testid=lesson-prev]')).toBe(true);
  await page.click('[data-testid=lesson-next]');
  await expect.poll(stepCount).toBe(`step 2 of ${lesson.steps.length}`);
  expect(urlStep()).toBe(`${lesson.id}/2`);
  await page.keyboard.press('ArrowRight');
  await expect.poll(stepCount).toBe(`step 3 of ${lesson.steps.length}`);
  expect(urlStep()).toBe(`${lesson.id}/3`);
  await page.keyboard.press('ArrowLeft');
  await expect.poll(stepCount).toBe(`step 2 of ${lesson.steps.length}`);
  await page.keyboard.press('PageDown');
  await expect.poll(stepCount).toBe(`step 3 of ${lesson.steps.length}`);
  expect(urlStep()).toBe(`${lesson.id}/3`);
  // A reload lands on the same step.
  await page.reload();
  await expect.poll(stepCount).toBe(`step 3 of ${lesson.steps.length}`);
  await page.keyboard.press('PageUp');
  await expect.poll(stepCount).toBe(`step 2 of ${lesson.steps.length}`);
  // Arrow keys typed into a settings field stay there.
  await page.click('[data-testid="field-data.size"]');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowLeft');
  expect(await stepCount()).toBe(`step 2 of ${lesson.steps.length}`);
  await page.click('[data-testid=lesson-step-title]');
  await page.click('[data-testid=lesson-prev]');
  await expect.poll(stepCount).toBe(`step 1 of ${lesson.steps.length}`);
  expect(urlStep()).toBe(`${lesson.id}/1`);
  // Past the last step nothing moves.
  await page.goto(stepUrl(lesson.id, lesson.steps.length));
  await expect.poll(stepCount).toBe(`step ${lesson.steps.length} of ${lesson.steps.length}`);
  expect(await page.isDisabled('[data-testid=lesson-next]')).toBe(true);
  await page.keyboard.press('ArrowRight');
  expect(await stepCount()).toBe(`step ${lesson.steps.length} of ${lesson.steps.length}`);
  // Close drops the lesson from the address and keeps the view.
  await page.click('[data-testid=lesson-close]');
  await page.waitForSelector('[data-testid=lesson-dock]', { state: 'detached' });
  expect(new URL(page.url()).searchParams.get('lesson')).toBeNull();
  expect(await page.isVisible('[data-testid=view-playground].active')).toBe(true);
  expect(pageErrors).toEqual([]);
});

/** Opens a step, presses its action, and waits until the action and every job it started have finished. */
async function runStep(lesson: string, step: number): Promise<number> {
  // On WASM the seeded runs give the same numbers every time.
  await page.goto(`${stepUrl(lesson, step)}&backend=wasm`);
  await waitForBackend(page);
  await expect.poll(stepCount).toMatch(new RegExp(`^step ${step} of`));
  const t0 = Date.now();
  await page.click('[data-testid=lesson-action]');
  await page.waitForSelector('[data-testid=lesson-action-status][data-status=done]', { timeout: 110_000 });
  await page.waitForSelector('[data-testid=jobs][hidden]', { state: 'attached', timeout: 30_000 });
  const seconds = (Date.now() - t0) / 1000;
  console.log(`lesson ${lesson} step ${step}: action took ${seconds.toFixed(1)} s`);
  // The step's expected duration is now this browser's own measurement (no reference-machine star).
  await expect.poll(() => page.textContent('[data-testid=lesson-action-duration]')).toMatch(/^≈ \d+ (s|min)$/);
  return seconds;
}

/** Whether callout `n`'s badge is drawn on (over the top-left corner of) the element `anchor`. */
async function badgeOn(n: number, anchor: string): Promise<boolean> {
  await page.waitForSelector(`[data-testid=callout-badge-${n}]`, { timeout: 5_000 });
  const badge = await page.locator(`[data-testid=callout-badge-${n}]`).boundingBox();
  const target = await page.locator(anchor).first().boundingBox();
  if (!badge || !target) return false;
  const cx = badge.x + badge.width / 2;
  const cy = badge.y + badge.height / 2;
  return Math.abs(cx - target.x) < 40 && Math.abs(cy - target.y) < 20;
}

/** The numbers in the cells of a table column (by the header's text). */
async function columnNumbers(table: string, head: string): Promise<number[]> {
  return page.$eval(
    table,
    (el, h) => {
      const heads = [...el.querySelectorAll('thead th')].map((th) => th.textContent ?? '');
      const col = heads.findIndex((t) => t.startsWith(h));
      return [...el.querySelectorAll('tbody tr')].map((tr) => parseFloat((tr.children[col]?.textContent ?? '').replace('%', '')));
    },
    head,
  );
}

test('actions run the workbench: adversarial examples, ERA, the selector', async () => {
  await runStep('pgd', 3);
  const natural = await metricValue(page, '[data-testid=metric-natural]');
  const robust = await metricValue(page, '[data-testid=metric-robust]');
  expect(natural).toBeGreaterThan(80);
  expect(robust).toBeLessThanOrEqual(natural);
  expect(await page.textContent('[data-testid=metrics] .attack-desc')).toMatch(/^PGD-10 l∞, eps 0\.15/);
  expect(await badgeOn(1, '[data-testid=metrics-panel]')).toBe(true);
  expect(await badgeOn(2, '[data-testid=regions-plot]')).toBe(true);

  await runStep('era', 3);
  const inaccuracy = (m: string) => metricValue(page, `[data-testid=fig1-panel-${m}] [data-testid=metric-robust-inacc]`);
  const cells = await page.locator('[data-testid=fig1-panel-era] [data-testid=split-table] td').allTextContents();
  expect(cells.map((c) => parseFloat(c)).reduce((a, b) => a + b, 0)).toBeCloseTo(100, 0);
  // What the callouts point at: ERA keeps fewer robust mistakes than TRADES.
  expect(await inaccuracy('era')).toBeLessThanOrEqual(await inaccuracy('trades'));
  expect(await page.textContent('[data-testid=fig1-panel-era] .attack-desc')).toMatch(/^APGD-CE-40 l∞, eps 0\.1, on 320 train points/);
  expect(await badgeOn(1, '[data-testid=fig1-panel-trades]')).toBe(true);
  expect(await badgeOn(2, '[data-testid=fig1-panel-era]')).toBe(true);

  await runStep('selector', 3);
  const composed = parseFloat((await page.textContent('[data-testid=composed-natural]')) ?? '');
  expect(composed).toBeGreaterThan(50);
  // The robust model, the core model, and H twice: the lower bound and the authors' measure.
  expect(await page.locator('[data-testid=composition-result] tbody tr').count()).toBe(4);
  expect(await metricValue(page, '[data-testid=composed-robust-authors]')).toBeGreaterThanOrEqual(await metricValue(page, '[data-testid=composed-robust]'));
  expect(await badgeOn(1, '[data-testid=composition-result]')).toBe(true);
  expect(pageErrors).toEqual([]);
}, 240_000);

test('actions run the workbench: smoothing, sample rejection', async () => {
  await runStep('smoothing', 2);
  const rows = await page.locator('[data-testid=certify-run]').count();
  expect(rows).toBe(1);
  const acr = parseFloat((await page.textContent('[data-testid=acr]')) ?? '');
  expect(acr).toBeGreaterThan(0);
  // Radius at most σ·Φ⁻¹(alpha^(1/n)) = 0.25 · 2.70 with n = 2,000 and alpha = 0.001.
  expect(acr).toBeLessThan(0.68);
  await waitForRegionImage(page, '[data-testid=smoothed-regions-plot]');
  expect(await badgeOn(1, '[data-testid=smoothed-regions-plot]')).toBe(true);

  await runStep('sample-rejection', 3);
  const names = await page.locator('[data-testid=certify-run] td:first-child').allTextContents();
  expect(names.some((n) => /with rejection/.test(n))).toBe(true);
  expect(names.some((n) => !/with rejection/.test(n))).toBe(true);
  const rejected = parseFloat((await page.textContent('[data-testid=rejection-reject-rate]')) ?? '');
  expect(rejected).toBeGreaterThanOrEqual(0);
  await expect.poll(() => page.$eval('[data-testid=rejection-histogram-plot]', (el) => ((el as unknown as { data?: unknown[] }).data ?? []).length)).toBeGreaterThan(0);
  expect(await badgeOn(1, '[data-testid=certified-curve-plot]')).toBe(true);
  expect(await badgeOn(2, '[data-testid=rejection-histogram-plot]')).toBe(true);
  expect(pageErrors).toEqual([]);
}, 240_000);

test('actions run the workbench: Rectified Rejection, abstain classes', async () => {
  await runStep('rectified', 2);
  expect(await page.inputValue('[data-testid=rr-xi]')).toBe('0.5');
  const passed = await columnNumbers('[data-testid=rr-coupled]', 'pass stage 1');
  expect(passed.length).toBeGreaterThan(0);
  expect(passed[0]).toBeGreaterThan(0);
  const aucs = await columnNumbers('[data-testid=rr-metrics-table]', 'ROC-AUC');
  expect(aucs.some((a) => a > 0.5 && a <= 1)).toBe(true);
  expect(await badgeOn(2, '[data-testid=rr-coupled]')).toBe(true);

  await runStep('abstain', 1);
  const verified = await columnNumbers('[data-testid=verify-table]', 'verified error (IBP)');
  const crown = await columnNumbers('[data-testid=verify-table]', 'verified error (CROWN)');
  expect(verified).toHaveLength(1);
  expect(verified[0]).toBeGreaterThanOrEqual(0);
  expect(verified[0]).toBeLessThanOrEqual(1);
  expect(crown[0]).toBeLessThanOrEqual(verified[0]);
  expect(await page.locator('[data-testid=verify-pgd-row]').count()).toBe(1);
  expect(await badgeOn(1, '[data-testid=verify-table]')).toBe(true);
  expect(pageErrors).toEqual([]);
}, 240_000);
