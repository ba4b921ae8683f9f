/**
 * The worker's verification requests (paper 004): what the page sends and gets back
 * when it verifies a model with K regular and M abstain outputs (IBP or CROWN bounds) and attacks
 * it with PGD under the abstain success rule. Plain data only.
 */
import type { AbstainErrorTable } from '../../src/core/attacks/abstainPgd';
import type { ModelSource, ProgressFn } from './common';

export type VerifyBound = 'ibp' | 'crown';

/** What the page needs to know about a model before verifying it. */
export interface VerifyModelInfo {
  name: string;
  is2d: boolean;
  /** K: the regular classes (the dataset's classes). */
  numClasses: number;
  /** K + M: the model's outputs. */
  outputs: number;
  /** M, or null when the model does not fit (see `problem`). */
  abstainClasses: number | null;
  /** Why the model cannot be verified (e.g. fewer outputs than K); null when it can. */
  problem: string | null;
  /** Why CROWN cannot bound this model (e.g. a CNN); null when it can. */
  crownProblem: string | null;
  /** Test inputs available. */
  testCount: number;
}

export interface VerifyRequest {
  eps: number;
  bounds: VerifyBound[];
  /** Mirror-ascent iterations over the simplex (Algorithm 1). */
  iterations: number;
  /** The first `count` test inputs. */
  count: number;
}

/** The verdicts of one bound (plain numbers and per-input flags). */
export interface BoundResult {
  bound: VerifyBound;
  standardError: number;
  verifiedError: number;
  /** Share of inputs whose eps-ball provably lands in {y} ∪ A (whether or not the clean input is right). */
  certifiedShare: number;
  abstainClean: number;
  /** Inputs left unverified because a non-finite number met on the way (an overflow). */
  nonFinite: number;
  elapsedMs: number;
  msPerInput: number;
  /** Per input: 1 = clean input right and certified. */
  verified: Uint8Array;
  certified: Uint8Array;
}

export interface VerifyView {
  source: ModelSource;
  modelName: string;
  numClasses: number;
  abstainClasses: number;
  eps: number;
  n: number;
  iterations: number;
  results: BoundResult[];
}

export interface AbstainPgdRequest {
  eps: number;
  steps: number;
  restarts: number;
  count: number;
  seed: number;
}

export interface AbstainPgdView extends AbstainErrorTable {
  source: ModelSource;
  modelName: string;
  eps: number;
  steps: number;
  restarts: number;
  elapsedMs: number;
}

export interface VerifyWorkerApi {
  verifyInfo(source: ModelSource): Promise<VerifyModelInfo>;
  verifyModel(jobId: string, source: ModelSource, request: VerifyRequest, onProgress: ProgressFn): Promise<VerifyView>;
  abstainPgdTable(jobId: string, source: ModelSource, request: AbstainPgdRequest, onProgress: ProgressFn): Promise<AbstainPgdView>;
}
