// How text becomes search terms. Pure, so the index writer and the query agree by construction.
//
// A term is a run of letters and digits (Unicode \p{L}\p{N}): "alice@example.com" gives
// alice, example, com, and a query for the address asks for all three. Text is lower-cased
// after NFKD decomposition with the combining marks dropped, so "Café", "CAFE" and "café"
// are one term, and full-width or ligature forms fold to their plain letters.

/** Longer runs are hashes, tokens or base64, not words anyone types. */
const MAX_TERM_LENGTH = 40;
/** How much of one text is indexed: a pasted log past this point is not what people search. */
const MAX_TEXT_LENGTH = 100_000;

const WORD = /[\p{L}\p{N}]+/gu;
const MARKS = /\p{M}+/gu;

export function fold(text: string): string {
  return text.normalize('NFKD').replace(MARKS, '').toLowerCase();
}

/** The distinct terms of some texts, in no particular order. */
export function termsOf(...texts: Array<string | null | undefined>): Set<string> {
  const terms = new Set<string>();
  for (const text of texts) {
    if (!text) continue;
    // match() with /g: the words as strings, without a match object each (matchAll).
    for (const word of fold(text.slice(0, MAX_TEXT_LENGTH)).match(WORD) ?? []) {
      if (word.length <= MAX_TERM_LENGTH) terms.add(word);
    }
  }
  return terms;
}

export interface SearchQuery {
  /** Terms that must each occur exactly. */
  words: string[];
  /** The last term the user typed: it matches any term it begins (search as you type). */
  prefix: string | null;
}

/** "refund ali" → words [refund], prefix "ali". Empty when the text holds no letter or digit. */
export function parseQuery(text: string): SearchQuery {
  const all = [...fold(text).matchAll(WORD)].map(([w]) => w.slice(0, MAX_TERM_LENGTH));
  const prefix = all.pop() ?? null;
  return { words: [...new Set(all)].filter((w) => w !== prefix), prefix };
}
