/**
 * The common-password check OWASP asks for beyond length: the 10,000 most frequent passwords of
 * OWASP SecLists' top-1M list that are long enough to pass the length rule (regenerate with
 * scripts/common_passwords_gen.ts). Compared without case, so "QwertyQwerty" is refused too.
 *
 * @module
 */
import list from "./common_passwords.json" with { type: "json" };

const COMMON: ReadonlySet<string> = new Set(list as string[]);

/** True when `password` (case aside) is on the list of common passwords. */
export function isCommonPassword(password: string): boolean {
  return COMMON.has(password.toLowerCase());
}
