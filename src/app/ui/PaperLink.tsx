/** A paper named by title and authors, linked: how the page cites the methods it implements. */
import { PAPERS, type PaperId } from '../papers';

export function PaperLink({ id, short = false, testId }: { id: PaperId; short?: boolean; testId?: string }) {
  const p = PAPERS[id];
  return (
    <a href={p.url} target="_blank" rel="noreferrer" className="paper-link" title={`${p.title} — ${p.authors}, ${p.venue}`} data-testid={testId}>
      {short ? p.short : (
        <>
          <cite>{p.title}</cite> ({p.authors}, {p.venue})
        </>
      )}
    </a>
  );
}
