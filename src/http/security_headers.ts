/**
 * Security headers, by kind of answer. Documents (HTML pages, files, anything a browser may
 * render) get the whole set of hono's `secureHeaders()` defaults; JSON answers get the set the
 * OWASP REST Security Cheat Sheet names for APIs, because the rest (opener, referrer, DNS
 * prefetch, download, XSS-auditor, cross-domain policy, agent-cluster headers) only ever apply to
 * a document and each header costs every answer its share of the response path.
 *
 * @module
 */

type HeaderList = readonly (readonly [string, string])[];

/** What `secureHeaders()` (hono 4, default options) puts on every response (a test checks). */
export const SECURITY_HEADERS: HeaderList = [
  ["Cross-Origin-Opener-Policy", "same-origin"],
  ["Cross-Origin-Resource-Policy", "same-origin"],
  ["Origin-Agent-Cluster", "?1"],
  ["Referrer-Policy", "no-referrer"],
  ["Strict-Transport-Security", "max-age=15552000; includeSubDomains"],
  ["X-Content-Type-Options", "nosniff"],
  ["X-DNS-Prefetch-Control", "off"],
  ["X-Download-Options", "noopen"],
  ["X-Frame-Options", "SAMEORIGIN"],
  ["X-Permitted-Cross-Domain-Policies", "none"],
  ["X-XSS-Protection", "0"],
];

/** The API set: what still has an effect on a JSON answer (with the CSP, set apart). */
export const API_SECURITY_HEADERS: HeaderList = SECURITY_HEADERS.filter(([name]) =>
  [
    "Cross-Origin-Resource-Policy",
    "Strict-Transport-Security",
    "X-Content-Type-Options",
    "X-Frame-Options",
  ].includes(name)
);

/** Whether an answer of this Content-Type (null: no body) is data, not a document. */
export function isDataAnswer(contentType: string | null): boolean {
  if (contentType === null) return true;
  const type = contentType.split(";", 1)[0].trim().toLowerCase();
  return type === "application/json" || type.endsWith("+json");
}

/** Sets the security headers an answer of `contentType` needs. */
export function setSecurityHeaders(headers: Headers, contentType: string | null): void {
  const list = isDataAnswer(contentType) ? API_SECURITY_HEADERS : SECURITY_HEADERS;
  for (let i = 0; i < list.length; i++) headers.set(list[i][0], list[i][1]);
  // secureHeaders() removes it too; nothing here sets it, a dependency might.
  headers.delete("X-Powered-By");
}
