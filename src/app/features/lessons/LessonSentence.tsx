/** A lesson sentence with its paper references ("[[id]]") as links. */
import { PAPERS, type PaperId } from '../../papers';
import { REFERENCE, citeName } from './lessonText';

/** A sentence; each "[[id]]" becomes a link with the authors' short name, the paper's title and authors in its tooltip. */
export function LessonSentence({ text }: { text: string }) {
  const parts = text.split(REFERENCE);
  return (
    <p className="lesson-text" data-testid="lesson-text">
      {parts.map((part, i) => {
        if (i % 2 === 0) return part;
        const p = PAPERS[part as PaperId];
        return (
          <a key={i} href={p.url} target="_blank" rel="noreferrer" title={`${p.title} — ${p.authors} (${p.venue})`}>
            {citeName(p.id)}
          </a>
        );
      })}
    </p>
  );
}
