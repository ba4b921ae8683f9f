/**
 * Selective-classification metrics of paper 000 (Pang et al., "Two Coupled Rejection Metrics Can
 * Tell Adversarial Examples Apart", CVPR 2022; Rectified Rejection, METHODS.md §000), as plain
 * TypeScript (no tfjs import) so that the page can use them.
 *
 * Notation (METHODS.md): f(x) softmax output, y the label, y_m = argmax f(x) the prediction,
 * Con(x) = f(x)[y_m], T-Con(x) = f(x)[y], A_phi(x) in [0, 1] the auxiliary head,
 * R-Con(x) = f(x)[y_m] · A_phi(x) (Eq. 3). A rejector keeps x when its score M(x) passes a
 * threshold t (Eq. 1; higher score = keep). "Correct" means y_m = y.
 *
 *  - tprAccuracy: "TPR-95 accuracy" (Table 1, Section 6.1): the accuracy on the kept inputs when
 *    the threshold is set so that 95% of the correctly classified inputs are kept ("true positive
 *    rate" = share of the correct inputs kept). The default convention reproduces the authors'
 *    evaluation code exactly, ties and all (see TPR_CONVENTIONS below).
 *  - rocAuc / rocCurve: ROC of the rejector score separating correct (positive) from wrong
 *    (negative) inputs, as sklearn.metrics.roc_auc_score / roc_curve, which the authors call.
 *  - accuracyCoverageCurve: selective accuracy against coverage for every threshold.
 *  - coupledRejection: Theorem 1's two-stage rejector (Con > 1/(2 − xi), then R-Con ≥ 1/2).
 *  - xiError: Definition 1 (point-wise xi-error of A_phi) in both its forms, with the optimum
 *    A* = f[y] / f[y_m] (Section 4.1).
 *
 * Every function validates its input and throws a SelectiveMetricError (with a `code`) on lengths
 * that differ, empty input, NaN or infinite scores, labels that are not booleans / 0 / 1,
 * probabilities outside [0, 1], tpr outside (0, 1], xi outside [0, 1), and for ROC quantities
 * that are undefined because only one class is present.
 */
export { type BinaryLabels, SELECTIVE_ERROR_CODES, type SelectiveErrorCode, SelectiveMetricError, isSelectiveMetricError, PROBABILITY_SLACK } from './selectiveInputs';
export { type RocCurve, type RocCurveOptions, rocCurve, rocAuc } from './roc';
export { TPR_CONVENTIONS, type TprConvention, type TprAccuracyOptions, type TprAccuracyResult, tprAccuracy, type AccuracyCoverageCurve, accuracyCoverageCurve } from './tprAccuracy';
export { type CoupledRejectionOptions, type CoupledSeparation, type CoupledRejectionResult, coupledRejection, type XiErrorOptions, type XiErrorResult, xiError } from './coupledRejection';
