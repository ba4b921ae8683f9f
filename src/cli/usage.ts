import { MAX_DATASET_BYTES, MAX_MODEL_PARAMS, MAX_TEXT_FILE_BYTES } from '../core/settings';
import { coreCount } from './wasmThreads';

export const MAIN_USAGE = `Usage: npm run cli -- <command> CONFIG.json [options]

Runs the workbench's experiments headless, from the same JSON experiment config the page
exports (missing fields take their defaults; see src/core/experiments/config.ts). A config
with "kind": "image" is an image experiment (src/core/experiments/imageConfig.ts): give its
dataset files with --data FILE (repeatable; CIFAR-10/100 .bin, IDX images + labels, .gz).

Commands:
  train     train the config's model, then the 4-way split of the test set under the
            config's evaluation attack            [--save-model DIR]
  attack    run the evaluation attack on the test set: adversarial points (images: no
            pixels), predictions before/after, perturbation norms    [--model DIR]
  evaluate  split at eps, robustness-indicator selector at 2*eps, and with --compose-core
            the 2-compositional model             [--model DIR] [--compose-core DIR2]
  evaluate-rejection
            Pang et al.'s rejection metrics of a saved model (--model DIR): accuracy,
            TPR-95 accuracy, ROC-AUC and accuracy-coverage per rejector score (confidence,
            energy, R-Con, SelectiveNet's g), clean, under PGD and adaptive attacks, and
            the coupled rejector       [--count N --temperature T --xi X --eta E --per-input]
  certify   Cohen et al.'s CERTIFY of the Gaussian-smoothed model on the test set, writing
            their tab-separated log (idx label predict radius correct time)
            (--sigma S [--n0 --n --alpha --batch --skip --max --seed --model DIR])
  predict   Cohen et al.'s PREDICT, the same way (idx label predict correct time)
            certify and predict take --shard i/N: part i of N of the inputs
  merge     join the logs of a run's shards into the log of one run
            (npm run cli -- merge FILE... [--out FILE])
  verify    Baharlouei et al.'s verification of a saved model with K regular + M abstain outputs
            (--model DIR): IBP and CROWN (MLPs) certificates at eps, standard and verified
            error, and PGD with the abstain success rule   [--eps --bound ibp|crown|both
            --iterations --count --skip --max --pgd-steps --per-input FILE.tsv]
  arena     the abstain arena from an arena config (the page's Arena view exports one):
            one model per way of abstaining, trained and attacked on one footing, with
            the common measures and their 95% intervals   [--out FILE.json --csv FILE.csv]
  inspect   summarise a dataset file instead of a config: CIFAR-10/100 .bin, IDX (MNIST,
            Fashion-MNIST), .gz: records, classes, shape, value range
            (npm run cli -- inspect FILE [LABELS_FILE] [--json])

Options of train, attack and evaluate:
  --out FILE           write the result there instead of stdout
  --format json|csv    the result JSON (default), or one CSV row per test point or image
  --data FILE          image configs: a dataset file (repeatable); names with "test" or "t10k"
                       are the test set, else the last 20% of the training records are held out

Options for every command:
  --backend wasm|cpu   tfjs backend (default wasm; cpu is 30-60x slower)
  --threads N          wasm's threads, 1 to 8 (default 1; ${coreCount()} = every core here). More
                       threads pay on large batches (CNN attacks, certification) and cost time
                       on small ones; the numbers are the same on any count
  --help, -h           the command's own help
  --max-file-mb N      read files up to N MB (default ${MAX_DATASET_BYTES / 2 ** 20} MiB for a dataset file,
                       ${MAX_TEXT_FILE_BYTES / 2 ** 20} MiB for a config, log or model.json)
  --max-params N       load models of up to N parameters (default ${MAX_MODEL_PARAMS.toLocaleString('en')})

Results are JSON (or CSV), written to --out FILE or printed to stdout; progress goes to stderr.
Models are folders with model.json + weights.bin (the tfjs layers-model format).
Exit status: 0 ok, 1 unexpected failure, 2 bad arguments/files/config/model, 3 training
diverged (result still written), 130 interrupted.`;
