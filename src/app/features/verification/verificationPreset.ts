/**
 * The preset "Multiple abstain classes — Baharlouei et al." and the trade-off sweep (Fig. 2-3): train
 * each run of core/experiments/abstainPreset.ts in the worker (kept as playground models, so they
 * show in every model list), then verify it with IBP and CROWN (and, for the preset, run PGD with
 * the abstain rule); the rows and points appear run by run. One job, one progress bar over all
 * runs; Cancel stops it and keeps the rows already made.
 */
import { ABSTAIN_PRESET, type AbstainPresetRun, abstainPresetRuns, abstainTradeoffRuns, validateExperiment } from '../../../core/settings';
import { trainModel } from '../../state/playgroundModels';
import { type ProgressCallback, jobWasCancelled, withJob } from '../../state/jobs';
import { useStore } from '../../state/store';
import { pgdInJob, useVerification, verifyInJob, verifyProblems } from './verification';
import { kindOfKey } from '../../state/modelSource';
import { modelKey } from '../../../../workers/protocol';

export type AbstainRunSet = 'preset' | 'sweep';

/** Relative cost of the stages of one run (training dominates). */
const WEIGHTS = { train: 6, verify: 1, pgd: 1 };

/** Overrides for quick checks (tests): fewer epochs. */
export interface AbstainRunOverrides {
  epochs?: number;
}

function runsOf(which: AbstainRunSet, o: AbstainRunOverrides): AbstainPresetRun[] {
  const runs = which === 'preset' ? abstainPresetRuns() : abstainTradeoffRuns();
  if (o.epochs) for (const r of runs) r.config.training.epochs = o.epochs;
  return runs;
}

export async function runAbstainRuns(which: AbstainRunSet, overrides: AbstainRunOverrides = {}): Promise<boolean> {
  const { pushMessage } = useStore.getState();
  const { settings, sourceKey } = useVerification.getState();
  const iterationsProblem = verifyProblems(settings[kindOfKey(sourceKey)]).iterations ?? verifyProblems(settings['2d']).iterations;
  if (iterationsProblem) {
    pushMessage('error', `Refused: ${iterationsProblem}.`);
    return false;
  }
  const iterations = settings['2d'].iterations;
  const runs = runsOf(which, overrides);
  const bad = runs.map((r) => validateExperiment(r.config)).find((e) => Object.keys(e).length);
  if (bad) {
    pushMessage('error', `Preset settings: ${Object.entries(bad).map(([k, v]) => `${k} ${v}`).join('; ')}`);
    return false;
  }
  const stages = which === 'preset' ? WEIGHTS.train + WEIGHTS.verify + WEIGHTS.pgd : WEIGHTS.train + WEIGHTS.verify;
  const total = runs.length * stages;
  const label = which === 'preset' ? ABSTAIN_PRESET.label : 'Trade-off sweep — Baharlouei et al., Fig. 2-3';
  const completed = await withJob(which === 'preset' ? 'preset' : 'sweep', label, async (jobId, progress) => {
    const t0 = Date.now();
    let done = 0;
    // Overall fraction and time left over every stage of every run.
    const stage = (weight: number, name: string): ProgressCallback => (f, _eta, detail) => {
      const overall = Math.min(1, (done + weight * f) / total);
      progress(overall, overall > 0 ? ((Date.now() - t0) * (1 - overall)) / overall : null, `${name}${detail ? `: ${detail}` : ''}`);
    };
    for (const run of runs) {
      const c = run.config;
      const summary = await trainModel(run.id, run.label, c, stage(WEIGHTS.train, `training ${run.label}`), jobId);
      if (!summary || summary.epochsCompleted < c.training.epochs || jobWasCancelled(jobId)) return false;
      done += WEIGHTS.train;
      const key = modelKey('2d', run.id);
      const { series, note } = run;
      const eps = c.training.attack.eps;
      useVerification.setState({ sourceKey: key });
      await verifyInJob(jobId, key, { eps, bounds: ['ibp', 'crown'], iterations, count: 100000 }, stage(WEIGHTS.verify, `verifying ${run.label}`), series, note);
      done += WEIGHTS.verify;
      if (which === 'preset') {
        const a = c.evaluation.attack;
        await pgdInJob(jobId, key, { eps, steps: a.steps, restarts: a.restarts, count: 100000, seed: c.seed }, stage(WEIGHTS.pgd, `PGD-${a.steps} on ${run.label}`), series, note);
        done += WEIGHTS.pgd;
      }
    }
    return !jobWasCancelled(jobId);
  });
  return completed === true;
}
