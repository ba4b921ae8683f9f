/**
 * The arena's report for an appendix: one self-contained Markdown file with the setup, the table
 * (each measure with its 95% interval), the definitions, every family's certificates, paper
 * measure and cost, the two comparison plots as PNG and as SVG and the decision regions as PNG
 * (all embedded as data URLs, so the file needs nothing beside it), the config that reproduces it
 * through the CLI, and the versions.
 */
import Plotly, { type Data, type Layout } from 'plotly.js-cartesian-dist-min';
import { ABSTAIN_MEASURE_DEFINITIONS, ABSTAIN_MEASURES, type ArenaResult, type ArenaRow, type Share } from '../../../core/settings';
import { legendEntries } from '../../plots/PlotLegend';
import { coverageLayout, coverageTraces, tradeoffLayout, tradeoffTraces } from './arenaPlots';
import { regionCanvas } from './ArenaRegions';

const pc = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '—');
const shareText = (s: Share | undefined) => (!s ? '—' : s.n === 0 ? '— (no input)' : `${pc(s.value)} [${pc(s.lower)}, ${pc(s.upper)}]`);
const cell = (t: string) => t.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function table(rows: readonly ArenaRow[]): string {
  const head = ['family', ...ABSTAIN_MEASURES.map((m) => ABSTAIN_MEASURE_DEFINITIONS[m].label)];
  const lines = rows.map((r) => [r.status === 'done' ? r.label : `${r.label} (${r.status}: ${r.note ?? ''})`, ...ABSTAIN_MEASURES.map((m) => shareText(r.outcomes?.[m]))]);
  return [head, head.map(() => '---'), ...lines].map((l) => `| ${l.map(cell).join(' | ')} |`).join('\n');
}

function familyDetails(r: ArenaRow): string {
  const out = [`### ${r.label}`, '', `${r.paper}. ${r.abstains}`, ''];
  if (r.status !== 'done') return [...out, `${r.status === 'not-run' ? 'Not run' : 'Failed'}: ${r.note}`, ''].join('\n');
  out.push(`- Attacks (robust accuracy each alone): ${r.attacks.map((a) => `${a.label} ${shareText(a.robustAccuracy)}`).join('; ')}`);
  out.push(r.guarantees.length ? `- Certified / verified: ${r.guarantees.map((g) => `${g.label} ${shareText(g.share)} (${g.definition})`).join('; ')}` : `- Certified / verified: ${r.guaranteeNote ?? 'none'}`);
  if (r.paperMeasure) out.push(`- Paper's own measure: ${r.paperMeasure.label} = ${r.paperMeasure.label.includes('radius') ? r.paperMeasure.value.toFixed(4) : pc(r.paperMeasure.value)} (${r.paperMeasure.definition})`);
  if (r.cost) out.push(`- Training cost: ${r.cost.epochs} epochs, ${r.cost.optimizerSteps} optimizer steps${r.cost.trainingAttackSteps ? ` with ${r.cost.trainingAttackSteps} attack steps each` : ''}, ${r.cost.optimizer} lr ${r.cost.learningRate}, batch ${r.cost.batchSize}, seed ${r.cost.seed}; trained in ${r.cost.trainSeconds.toFixed(1)} s, evaluated in ${r.cost.evaluateSeconds.toFixed(1)} s`);
  return [...out, ''].join('\n');
}

async function plotImages(data: Data[], layout: Layout, name: string, alt: string): Promise<string> {
  if (!data.length) return `_${alt}: nothing to draw._\n`;
  const figure = { data, layout: { ...layout, width: 760, height: 480, showlegend: legendEntries(data, layout).length > 0 } };
  const png = await Plotly.toImage(figure, { format: 'png', width: 760, height: 480 });
  const svg = await Plotly.toImage(figure, { format: 'svg', width: 760, height: 480 });
  return `![${alt} (PNG)](${png})\n\n<details><summary>${name} as SVG</summary>\n\n![${alt} (SVG)](${svg})\n\n</details>\n`;
}

export async function arenaReport(result: ArenaResult, environment: { userAgent: string; date: Date }): Promise<string> {
  const c = result.config;
  const regions = result.rows
    .filter((r) => r.grid)
    .map((r) => `![Decision regions of ${r.label}](${regionCanvas(r, result.points, result.labels).toDataURL('image/png')})\n_${r.label}_`)
    .join('\n\n');
  return [
    '# Abstain arena report',
    '',
    `${c.source === 'images' ? `${result.labels.length} test images of shape [${result.inputShape.join(', ')}] (${c.images.trainLimit || 'all'} training records), a ${c.images.model.kind.toUpperCase()}` : `${c.data.size} points of ${c.data.kind} (20% held out: ${result.labels.length} test inputs), an MLP ${c.model.depth} × ${c.model.width} ${c.model.activation}`}, threat model ${c.threat.norm === 'linf' ? 'l∞' : 'l2'} eps ${c.threat.eps}; every family trained ${c.budget.epochs} epochs from seed ${c.seed} (training attacks: ${c.budget.trainingAttackSteps} steps), every model attacked with ${c.budget.attackSteps} iterations and ${c.budget.attackRestarts} restart(s) per attack. Run on ${result.backend} in ${result.elapsedSeconds.toFixed(1)} s.`,
    '',
    '## Results',
    '',
    'Each share with its 95% Clopper–Pearson interval; under attack, an input counts as robust only if it survives every attack run on its model.',
    '',
    table(result.rows),
    '',
    ...ABSTAIN_MEASURES.map((m) => `- **${ABSTAIN_MEASURE_DEFINITIONS[m].label}**: ${ABSTAIN_MEASURE_DEFINITIONS[m].definition}`),
    '',
    '## Families',
    '',
    ...result.rows.map(familyDetails),
    '## Plots',
    '',
    await plotImages(tradeoffTraces(result.rows), tradeoffLayout, 'Robust accuracy against clean abstention', 'Robust accuracy against clean abstention, one point per model, with 95% intervals'),
    await plotImages(coverageTraces(result.rows), coverageLayout, 'Accuracy against coverage under attack', 'Accuracy on the accepted inputs against coverage, under the attack that hurt each model most'),
    regions ? `### Decision regions (hatched: abstain)\n\n${regions}\n` : '',
    '## Reproduce',
    '',
    `Save the config below as \`arena-config.json\` and run \`npm run cli -- arena arena-config.json${c.source === 'images' ? ' --data FILE …' : ''} --out arena.json --csv arena.csv\`${c.source === 'images' ? ' with the data set\'s files' : ''} (the same backend gives the same numbers).`,
    '',
    '```json',
    JSON.stringify(c, null, 2),
    '```',
    '',
    '## Versions',
    '',
    `- backend: ${result.backend}`,
    ...Object.entries(result.versions).map(([k, v]) => `- ${k}: ${v}`),
    `- browser: ${environment.userAgent}`,
    `- date: ${environment.date.toISOString()}`,
    '',
  ].join('\n');
}
