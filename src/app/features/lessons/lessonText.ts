/** Paper references inside lesson sentences: "[[id]]" stands for a paper, shown by its authors' short name. */
import { PAPERS, type PaperId } from '../../papers';

export const REFERENCE = /\[\[(\w+)\]\]/g;

/** "Madry et al.": the short name without the year, as sentences use it. */
export const citeName = (id: PaperId) => PAPERS[id].short.replace(/ \d{4}$/, '');

/** The plain text of a sentence as the page shows it. */
export function sentenceText(text: string): string {
  return text.replace(REFERENCE, (_, id: string) => citeName(id as PaperId));
}

/** The papers a lesson's sentences refer to. */
export function referencesIn(texts: readonly string[]): string[] {
  return texts.flatMap((t) => [...t.matchAll(REFERENCE)].map((m) => m[1]));
}
