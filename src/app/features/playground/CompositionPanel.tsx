/**
 * The robustness-indicator selector and the 2-compositional model of Merkli et al. (Sections 5–6):
 * S(x) selects the robust model iff it is robust on B(x, eps); abstained inputs go to the core
 * model. Robust selection is checked at 2·eps.
 */
import type { ModelSummary } from '../../../../workers/protocol';
import { composeSelected } from './playgroundActions';
import { useStore } from '../../state/store';
import { pct } from '../../ui/format';
import { Section } from '../../ui/Section';
import { LabeledSelect } from '../../ui/Select';
import { useBusy } from '../../ui/useBusy';

const TWO_EPS_TIP =
  'Why 2·eps: the selector must also select every perturbed input x′ in B(x, eps), and selecting x′ means the model is robust on B(x′, eps) ⊂ B(x, 2·eps). So robust selection is checked on the doubled ball (Merkli et al., Section 5).';

function ModelSelect(props: { label: string; testId: string; value: string | null; models: ModelSummary[]; onChange: (id: string | null) => void }) {
  const options = [{ value: '', label: '—' }, ...props.models.map((m) => ({ value: m.id, label: m.name }))];
  return <LabeledSelect label={props.label} testId={props.testId} value={props.value ?? ''} options={options} onChange={(id) => props.onChange(id || null)} />;
}

export function CompositionPanel() {
  const models = useStore((s) => s.models);
  const compose = useStore((s) => s.compose);
  const view = useStore((s) => s.composition);
  const busy = useBusy();
  const list = Object.values(models);
  const set = (patch: Partial<typeof compose>) => useStore.setState({ compose: { ...compose, ...patch } });
  const robustId = compose.robustId ?? list.find((m) => m.method !== 'standard')?.id ?? null;
  const coreId = compose.coreId ?? list.find((m) => m.method === 'standard')?.id ?? null;
  const r = view?.result;
  return (
    <Section title="Robustness-indicator selector & composition" testId="composition">
      <p className="hint">
        H(x) = S(x)·F<sub>robust</sub>(x) + (1 − S(x))·F<sub>core</sub>(x), where S(x) = 1 iff F<sub>robust</sub> is robust at x (Merkli et al., Eq. 12 and 15).
      </p>
      <div className="row">
        <ModelSelect label="Robust model" testId="compose-robust" value={robustId} models={list} onChange={(id) => set({ robustId: id })} />
        <ModelSelect label="Core model" testId="compose-core" value={coreId} models={list} onChange={(id) => set({ coreId: id })} />
      </div>
      <button
        type="button"
        data-testid="compose-run"
        disabled={busy || !robustId || !coreId}
        onClick={() => {
          set({ robustId, coreId });
          void composeSelected();
        }}
      >
        Compose and evaluate
      </button>
      {r ? (
        <div data-testid="composition-result">
          <table className="compose-table">
            <thead>
              <tr>
                <th />
                <th title="Accuracy on clean inputs.">natural acc.</th>
                <th title="Accuracy that survives the attack at eps (for H: selected robustly at 2·eps and correct).">robust acc.</th>
              </tr>
            </thead>
            <tbody>
              <tr><th>robust model</th><td>{pct(r.robustModel.naturalAccuracy)}</td><td>{pct(r.robustModel.robustAccuracy)}</td></tr>
              <tr><th>core model</th><td>{pct(r.coreModel.naturalAccuracy)}</td><td>{pct(r.coreModel.robustAccuracy)}</td></tr>
              <tr className="composed"><th>composition H</th><td data-testid="composed-natural">{pct(r.composition.naturalAccuracy)}</td><td data-testid="composed-robust">{pct(r.composition.robustAccuracy)}</td></tr>
              {r.authorsRobustAccuracy === null ? null : (
                <tr className="composed"><th>H, authors' measure</th><td>{pct(r.composition.naturalAccuracy)}</td><td data-testid="composed-robust-authors">{pct(r.authorsRobustAccuracy)}</td></tr>
              )}
            </tbody>
          </table>
          <ul className="selector-stats">
            <li title="Share of inputs where F_robust is robust at eps, so S selects it on the clean input.">selected at eps: {pct(r.selectionRate)}</li>
            <li title={TWO_EPS_TIP}>robustly selected (robust at 2·eps) <span className="tip">i</span>: {pct(r.robustSelection)}</li>
            <li title="Among the robustly selected inputs, the share that the robust model also gets right.">robust accuracy of the selected: {pct(r.selectedRobustAccuracy)}</li>
          </ul>
          <p className="hint">
            Robust accuracy of H counts an input when the selector robustly picks the robust model and it is correct; abstained inputs are counted as not robust (a lower bound).
          </p>
          {r.authorsRobustAccuracy === null ? null : (
            <p className="hint" data-testid="composed-authors-definition">
              The authors' measure (their code, robust-abstain's compositional accuracy) counts an input when the model the selector picks on the clean input — the robust model where it is robust, else the core model — is correct and robust there, without asking the selector to stay put under attack.
            </p>
          )}
        </div>
      ) : null}
    </Section>
  );
}
