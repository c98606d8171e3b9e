/**
 * Tokens and entity texts of insights, remembered by id while their text stays the same: each
 * processing job compares its insight with up to a couple of hundred others, whose text rarely
 * changed since the last job, so re-tokenising them all every time was most of its CPU.
 * @module
 */
import { extractEntities, tokenize } from "./nlp.ts";

export interface Features {
  tokens: string[];
  entityTexts: string[];
}

const MAX_ENTRIES = 20_000;
const cache = new Map<string, { text: string; features: Features }>();

/** The features of `text` (the insight `id`'s title and body), from the cache when unchanged. */
export function featuresOf(id: string, text: string): Features {
  const hit = cache.get(id);
  if (hit && hit.text === text) return hit.features;
  const features = {
    tokens: tokenize(text),
    entityTexts: extractEntities(text).map((e) => e.text),
  };
  cache.delete(id);
  cache.set(id, { text, features });
  // Oldest first out (a Map iterates in insertion order).
  if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  return features;
}
