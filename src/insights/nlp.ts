/**
 * Small deterministic NLP for Portuguese and English insight text: tokens without stop-words,
 * TF-IDF keywords against a corpus, entities (capitalised phrases, e-mails, URLs, money, dates)
 * and a similarity between two texts. No model, no network: the same text gives the same answer.
 * @module
 */
import type { Entity } from "./schemas.ts";

const STOP = new Set(
  (
    // English
    "a about above after again against all am an and any are as at be because been before being " +
    "below between both but by can could did do does doing down during each few for from further " +
    "had has have having he her here hers herself him himself his how i if in into is it its " +
    "itself just me more most my myself no nor not now of off on once only or other our ours out " +
    "over own same she should so some such than that the their theirs them then there these they " +
    "this those through to too under until up very was we were what when where which while who " +
    "whom why will with would you your yours also may might must shall us get got one two " +
    // Portuguese
    "a ao aos aquela aquelas aquele aqueles aquilo as até com como da das de dela delas dele " +
    "deles depois do dos e ela elas ele eles em entre era eram essa essas esse esses esta estas " +
    "este estes eu foi foram há isso isto já lhe lhes mais mas me mesmo meu meus minha minhas " +
    "muito na nas nem no nos nossa nossas nosso nossos num numa não o os ou para pela pelas pelo " +
    "pelos por qual quando que quem se sem ser seu seus sua suas são só também te tem têm ter " +
    "teu tua um uma umas uns você vocês vai vão está estão sobre porque cada outro outra pode"
  ).split(" "),
);

const WORD = /[\p{L}][\p{L}\p{N}'’-]*/gu;

/** Lower-case word tokens of 3+ letters that are not stop-words. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(WORD)) {
    const w = m[0].replace(/['’-]+$/, "");
    if (w.length >= 3 && !STOP.has(w)) out.push(w);
  }
  return out;
}

export type Vector = Map<string, number>;

/** Term frequencies of `tokens`. */
function counts(tokens: readonly string[]): Map<string, number> {
  const tf = new Map<string, number>();
  for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
  return tf;
}

/** Document frequencies over a corpus of token lists. */
export function documentFrequencies(corpus: readonly (readonly string[])[]): Map<string, number> {
  const df = new Map<string, number>();
  for (const doc of corpus) for (const t of new Set(doc)) df.set(t, (df.get(t) ?? 0) + 1);
  return df;
}

/** TF-IDF vector of `tokens` against `df` over `n` documents (smoothed idf). */
export function tfidf(tokens: readonly string[], df: Map<string, number>, n: number): Vector {
  const v: Vector = new Map();
  const total = tokens.length || 1;
  for (const [t, c] of counts(tokens)) {
    v.set(t, (c / total) * (Math.log((n + 1) / ((df.get(t) ?? 0) + 1)) + 1));
  }
  return v;
}

/** Top `k` terms of a vector (ties by term). */
export function topTerms(v: Vector, k: number): string[] {
  return [...v].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, k).map(([t]) => t);
}

export function cosine(a: Vector, b: Vector): number {
  let dot = 0, na = 0, nb = 0;
  for (const [t, x] of a) {
    na += x * x;
    const y = b.get(t);
    if (y !== undefined) dot += x * y;
  }
  for (const y of b.values()) nb += y * y;
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

export function jaccard(a: readonly string[], b: readonly string[]): number {
  const sa = new Set(a.map((x) => x.toLowerCase()));
  const sb = new Set(b.map((x) => x.toLowerCase()));
  if (sa.size === 0 && sb.size === 0) return 0;
  let both = 0;
  for (const x of sa) if (sb.has(x)) both++;
  return both / (sa.size + sb.size - both);
}

const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
const URL_RE = /\bhttps?:\/\/[^\s<>"')]+/g;
const MONEY =
  /(?:R\$|US\$|\$|€|£)\s?\d{1,3}(?:[.,]\d{3})*(?:[.,]\d{1,2})?|\b\d+(?:[.,]\d+)?\s?(?:USD|BRL|EUR|reais|dólares|dollars)\b/giu;
const DATE =
  /\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}\/\d{1,2}\/\d{4}\b|\b\d{1,2} (?:de )?(?:jan|fev|feb|mar|abr|apr|mai|may|jun|jul|ago|aug|set|sep|out|oct|nov|dez|dec)[a-zç]* (?:de )?\d{4}\b/giu;
// Two or more capitalised words (connectors such as "de", "da", "of" allowed inside).
const PHRASE =
  /\b\p{Lu}[\p{L}\p{N}&-]+(?:\s+(?:(?:de|da|do|das|dos|of|and|e)\s+)?\p{Lu}[\p{L}\p{N}&-]+)+/gu;

/** Entities in the order found, each (type, text) once. */
export function extractEntities(text: string): Entity[] {
  const out: Entity[] = [];
  const seen = new Set<string>();
  const add = (type: Entity["type"], raw: string) => {
    const t = raw.trim().replace(/[.,;:]+$/, "");
    const key = `${type}:${t.toLowerCase()}`;
    if (t && !seen.has(key)) {
      seen.add(key);
      out.push({ type, text: t });
    }
  };
  let rest = text;
  for (const m of text.matchAll(URL_RE)) add("url", m[0]);
  rest = rest.replace(URL_RE, " ");
  for (const m of rest.matchAll(EMAIL)) add("email", m[0]);
  rest = rest.replace(EMAIL, " ");
  for (const m of rest.matchAll(MONEY)) add("money", m[0]);
  for (const m of rest.matchAll(DATE)) add("date", m[0]);
  for (const m of rest.matchAll(PHRASE)) {
    const words = m[0].split(/\s+/);
    // A sentence may start with a capitalised stop-word ("The Board"): drop it.
    while (words.length && STOP.has(words[0].toLowerCase())) words.shift();
    if (words.length >= 2) add("person_or_org", words.join(" "));
  }
  return out;
}

/** The keywords of one text (top 8 by TF-IDF) given the corpus it belongs to. */
export function keywordsOf(tokens: readonly string[], df: Map<string, number>, n: number) {
  return topTerms(tfidf(tokens, df, n), 8);
}
