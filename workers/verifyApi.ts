/**
 * The worker's verification (paper 004): verify a model with K regular and M abstain
 * outputs on its first test inputs with IBP and/or CROWN bounds (core verify/abstainVerification),
 * and attack it with PGD under the abstain success rule (core attacks/abstainPgd). Returns plain
 * numbers and per-input flags; the tensor count is unchanged afterwards.
 */
import * as tf from '@tensorflow/tfjs';
import { abstainClassesOf, abstainErrorTable, abstainOutputsOf, crownRefusal, verifyAbstain } from '../src/core/index';
import { runJob, stagedProgress } from './jobs';
import { type ResolvedSource, inputsOf, resolveSource } from './sources';
import type { ModelSource, ProgressFn } from './protocol/common';
import type { AbstainPgdRequest, AbstainPgdView, BoundResult, VerifyModelInfo, VerifyRequest, VerifyView, VerifyWorkerApi } from './protocol/verify';

/** Inputs per verification batch: small enough for a live progress bar and a prompt Cancel. */
const VERIFY_BATCH = 32;

/**
 * The source with what verification reads: K = the data's classes (an imported image model's
 * extra outputs count as abstain classes), and for a 2-D model the training config's box, as the
 * CLI's verify uses (null for the toy data by default).
 */
function describe(source: ModelSource): ResolvedSource & { numClasses: number } {
  const r = resolveSource(source);
  return { ...r, numClasses: r.dataClasses, box: r.is2d ? (r.training?.box ?? null) : r.box };
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function verifyInfo(source: ModelSource): Promise<VerifyModelInfo> {
  const about = describe(source);
  const { model, x, labels } = inputsOf(source, 'test', 1);
  try {
    const shape = model.outputs[0].shape;
    const outputs = shape[shape.length - 1] as number;
    let abstainClasses: number | null = null;
    let problem: string | null = null;
    try {
      abstainClasses = abstainClassesOf(model, about.numClasses);
    } catch (e) {
      problem = messageOf(e);
    }
    // A model trained here knows its M; outputs beyond K + M would be silently read as abstain classes.
    const trainedM = about.training ? abstainOutputsOf(about.training) : null;
    if (problem === null && abstainClasses !== null && trainedM !== null && trainedM !== abstainClasses) {
      problem = `The model has ${outputs} outputs, K = ${about.numClasses} classes and so ${abstainClasses} abstain classes, but it was trained with M = ${trainedM}: is it the model of this dataset?`;
    }
    const testCount = about.data('test').labels.length;
    const crownProblem = labels.length ? crownRefusal(model, x) : 'no test inputs';
    return { name: about.name, is2d: about.is2d, numClasses: about.numClasses, outputs, abstainClasses, problem, crownProblem, testCount };
  } finally {
    x.dispose();
  }
}

function checkRequest(r: VerifyRequest): void {
  if (!(Number.isFinite(r.eps) && r.eps >= 0)) throw new RangeError(`eps must be a finite number ≥ 0 (got ${r.eps})`);
  if (!(Number.isInteger(r.iterations) && r.iterations >= 0 && r.iterations <= 1000)) throw new RangeError(`iterations must be a whole number from 0 to 1000 (got ${r.iterations})`);
  if (!(Number.isInteger(r.count) && r.count >= 1)) throw new RangeError(`count must be a whole number ≥ 1 (got ${r.count})`);
  if (!r.bounds.length || r.bounds.some((b) => b !== 'ibp' && b !== 'crown')) throw new RangeError(`bounds must be 'ibp' and/or 'crown' (got ${JSON.stringify(r.bounds)})`);
}

export async function verifyModel(jobId: string, source: ModelSource, request: VerifyRequest, onProgress: ProgressFn): Promise<VerifyView> {
  checkRequest(request);
  const about = describe(source);
  return runJob(jobId, async (signal) => {
    const { model, x, labels } = inputsOf(source, 'test', request.count);
    try {
      const stage = stagedProgress(onProgress, request.bounds.map(() => 1));
      const results: BoundResult[] = [];
      let abstainClasses = 0;
      for (const [i, bound] of request.bounds.entries()) {
        const report = stage(i);
        const v = await verifyAbstain(model, x, labels, request.eps, {
          numClasses: about.numClasses,
          box: about.box,
          bound,
          iterations: request.iterations,
          batchSize: VERIFY_BATCH,
          signal,
          onProgress: (done, total) => report(total ? done / total : 1),
        });
        abstainClasses = v.abstainClasses;
        const certified = v.certified.reduce((a, b) => a + b, 0);
        results.push({
          bound,
          standardError: v.standardError,
          verifiedError: v.verifiedError,
          certifiedShare: v.n ? certified / v.n : NaN,
          abstainClean: v.abstainClean,
          nonFinite: v.nonFinite,
          elapsedMs: v.elapsedMs,
          msPerInput: v.n ? v.elapsedMs / v.n : NaN,
          verified: v.verified,
          certified: v.certified,
        });
      }
      return { source, modelName: about.name, numClasses: about.numClasses, abstainClasses, eps: request.eps, n: labels.length, iterations: request.iterations, results };
    } finally {
      x.dispose();
    }
  });
}

export async function abstainPgdTable(jobId: string, source: ModelSource, request: AbstainPgdRequest, onProgress: ProgressFn): Promise<AbstainPgdView> {
  const about = describe(source);
  return runJob(jobId, async (signal) => {
    const t0 = Date.now();
    const { model, x, labels } = inputsOf(source, 'test', request.count);
    const y = tf.tensor1d(labels, 'int32');
    try {
      const report = stagedProgress(onProgress, [1])(0);
      const table = await abstainErrorTable(
        model,
        x,
        y,
        { numClasses: about.numClasses, eps: request.eps, steps: request.steps, restarts: request.restarts, box: about.box, seed: request.seed, batchSize: 100 },
        { signal, onProgress: report },
      );
      return { ...table, source, modelName: about.name, eps: request.eps, steps: request.steps, restarts: request.restarts, elapsedMs: Date.now() - t0 };
    } finally {
      tf.dispose([x, y]);
    }
  });
}

export const verifyApi: VerifyWorkerApi = { verifyInfo, verifyModel, abstainPgdTable };
