/**
 * JSON text for values served many times as the same object (the read-through cache's
 * in-process copies): serialised once per object, not once per request. Only for values nobody
 * mutates after they are first served.
 *
 * @module
 */
const texts = new WeakMap<object, string>();

export function jsonOnce(value: object): string {
  let text = texts.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    texts.set(value, text);
  }
  return text;
}
