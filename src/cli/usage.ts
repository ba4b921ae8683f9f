export const MAIN_USAGE = `Usage: npm run cli -- <command> CONFIG.json [options]

Runs the workbench's experiments headless, from the same JSON experiment config the page
exports (missing fields take their defaults; see src/core/experiments/config.ts).

Commands:
  train     train the config's model, then the 4-way split of the test set under the
            config's evaluation attack            [--out FILE] [--save-model DIR]
  attack    run the evaluation attack on the test set: adversarial points, predictions
            before/after, perturbation norms      [--model DIR] [--out FILE]
  evaluate  split at eps, robustness-indicator selector at 2*eps, and with --compose-core
            the 2-compositional model             [--model DIR] [--compose-core DIR2] [--out FILE]
  inspect   summarise a dataset file instead of a config: CIFAR-10/100 .bin, IDX (MNIST,
            Fashion-MNIST), .gz: records, classes, shape, value range
            (npm run cli -- inspect FILE [LABELS_FILE] [--json])

Options for every command:
  --backend wasm|cpu   tfjs backend (default wasm; cpu is 30-60x slower)
  --help, -h           the command's own help

Results are JSON, written to --out FILE or printed to stdout; progress goes to stderr.
Models are folders with model.json + weights.bin (the tfjs layers-model format).
Exit status: 0 ok, 1 unexpected failure, 2 bad arguments/files/config/model, 3 training
diverged (result still written), 130 interrupted.`;
