#!/usr/bin/env node
/**
 * `npm test`: the static checks (typecheck, eslint, dependency-cruiser, knip), the unit tests
 * (vitest project `unit`), the production build (`vite build`), then
 * the browser tests (vitest project `browser`, against `vite preview` of that build). Every stage
 * runs even when an earlier one fails; the totals over all suites are the very last line:
 *
 *   N passed, N failed
 *
 * and the exit status is non-zero when anything failed. Counts come from vitest's JSON reports
 * (test-results/unit.json, test-results/browser.json); a stage that fails without a usable
 * report (a crash, a failed build, a global setup error) counts as 1 failed. The totals line is
 * also written to test-results/summary.txt.
 *
 * The browser stage is skipped (with a message) only when /usr/bin/chromium is missing and the
 * environment variable CI is not set; in CI a missing browser fails the run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = join(ROOT, 'test-results');
const CHROMIUM = '/usr/bin/chromium';
// No "update available" notices from npx, which could print after the totals.
const env = { ...process.env, npm_config_update_notifier: 'false' };

mkdirSync(RESULTS, { recursive: true });

function banner(text) {
  console.log(`\n===== ${text} =====\n`);
}

/** Runs `npx ...args` in the repository root with the output visible; returns the exit status. */
function npx(args) {
  console.log(`$ npx ${args.join(' ')}`);
  const r = spawnSync('npx', args, { cwd: ROOT, env, stdio: 'inherit' });
  if (r.error) {
    console.error(`Could not run npx ${args[0]}: ${r.error.message}`);
    return 1;
  }
  if (r.signal) console.error(`npx ${args[0]} was stopped by ${r.signal}`);
  return r.status ?? 1;
}

/** Runs one vitest project with a JSON report and returns its counts. */
function vitestStage(project) {
  const report = join(RESULTS, `${project}.json`);
  rmSync(report, { force: true });
  const status = npx(['vitest', 'run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]);
  let passed = 0;
  let failed;
  let note = '';
  try {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    passed = Number(json.numPassedTests) || 0;
    failed = Number(json.numFailedTests) || 0;
    // A test file that failed as a whole (an import error, a failing beforeAll) has no failed
    // test of its own: count it as 1.
    const brokenFiles = (json.testResults ?? []).filter(
      (f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'),
    );
    if (brokenFiles.length) {
      failed += brokenFiles.length;
      note = `${brokenFiles.length} test file(s) failed outside any test: ${brokenFiles.map((f) => f.name.replace(`${ROOT}/`, '')).join(', ')}`;
    }
    if (status !== 0 && failed === 0) {
      failed = 1;
      note = `vitest exited with status ${status} without a failed test (a file or setup error; see above)`;
    }
  } catch (e) {
    failed = 1;
    note = existsSync(report) ? `unreadable report ${report}: ${e.message}` : `no report (vitest exited with status ${status})`;
  }
  return { name: project, passed, failed, note };
}

const stages = [];

/**
 * The static checks, each one pass or fail: types (tsc), lint (eslint), the layer rules and
 * import cycles (dependency-cruiser, .dependency-cruiser.cjs) and unused files, exports and
 * dependencies (knip, knip.json). They run first because they are quick and say most.
 */
const STATIC_CHECKS = [
  ['typecheck', ['tsc', '--noEmit', '-p', 'tsconfig.json']],
  ['lint', ['eslint', '--config', 'eslint.config.js', '--max-warnings=0', 'src', 'workers', 'bench', 'test', 'scripts']],
  ['layers', ['depcruise', 'src', 'workers', 'bench', 'test', '--config', '.dependency-cruiser.cjs', '--output-type', 'err']],
  ['unused', ['knip', '--no-progress']],
];
banner('Static checks (typecheck, lint, layers and cycles, unused code)');
{
  let passed = 0;
  const failedNames = [];
  for (const [name, args] of STATIC_CHECKS) {
    console.log(`--- ${name}`);
    if (npx(args) === 0) passed += 1;
    else failedNames.push(name);
  }
  stages.push({ name: 'static', passed, failed: failedNames.length, note: failedNames.length ? `failed: ${failedNames.join(', ')}` : '' });
}

banner('Unit tests (vitest project "unit", Node, tfjs wasm)');
stages.push(vitestStage('unit'));

banner('Build (vite build)');
const buildStatus = npx(['vite', 'build']);
stages.push({ name: 'build', passed: 0, failed: buildStatus === 0 ? 0 : 1, note: buildStatus === 0 ? 'ok' : `vite build exited with status ${buildStatus}` });

banner('Browser tests (vitest project "browser", chromium against vite preview)');
if (!existsSync(CHROMIUM) && !process.env.CI) {
  console.log(`SKIPPED: ${CHROMIUM} is missing (install it with \`apt-get install -y chromium\`). In CI (CI set) this stage fails instead.`);
  stages.push({ name: 'browser', passed: 0, failed: 0, note: `skipped: ${CHROMIUM} is missing` });
} else if (buildStatus !== 0) {
  console.log('NOT RUN: the build failed, so there is no page to test.');
  stages.push({ name: 'browser', passed: 0, failed: 1, note: 'not run: the build failed' });
} else {
  if (!existsSync(CHROMIUM)) console.log(`${CHROMIUM} is missing and CI is set: the browser tests will fail.`);
  stages.push(vitestStage('browser'));
}

const passed = stages.reduce((s, t) => s + t.passed, 0);
const failed = stages.reduce((s, t) => s + t.failed, 0);
const totals = `${passed} passed, ${failed} failed`;
writeFileSync(join(RESULTS, 'summary.txt'), `${totals}\n`);

banner('Summary');
for (const s of stages) {
  const counts = s.name === 'build' ? '' : `${s.passed} passed, ${s.failed} failed`;
  console.log(`  ${s.name.padEnd(8)} ${counts}${counts && s.note ? ' — ' : ''}${s.note}`);
}
console.log(totals);
process.exitCode = failed > 0 ? 1 : 0;
