/**
 * Content-Security-Policy on every answer: API answers load nothing and may not be framed; the
 * Swagger UI page may run only its own inline start-up script (by hash) and the UI bundle it names.
 *
 * @module
 */
import type { Context } from "hono";
import type { AppEnv } from "./types.ts";

/** For JSON and problem answers: nothing may be loaded, run, framed or submitted. */
export const API_CSP =
  "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Where the Swagger UI page loads its bundle and stylesheet from. */
export const DOCS_ASSET_ORIGIN = "https://cdn.jsdelivr.net";

const INLINE_SCRIPT = /<script>([\s\S]*?)<\/script>/g;

async function sha256Base64(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return new Uint8Array(digest).toBase64();
}

/**
 * The policy of an HTML page: its inline scripts allowed by hash, the assets from
 * DOCS_ASSET_ORIGIN, fetches (the document, "try it out") to this origin only. Swagger UI sets
 * style attributes, so inline styles are allowed; scripts never are.
 */
export async function pageCsp(html: string): Promise<string> {
  const hashes: string[] = [];
  for (const m of html.matchAll(INLINE_SCRIPT)) hashes.push(`'sha256-${await sha256Base64(m[1])}'`);
  return [
    "default-src 'none'",
    `script-src ${DOCS_ASSET_ORIGIN} ${hashes.join(" ")}`.trimEnd(),
    `style-src ${DOCS_ASSET_ORIGIN} 'unsafe-inline'`,
    "img-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

/**
 * The policy of an answer: the page policy on `pages` (HTML routes, computed once per page text),
 * API_CSP on every other answer.
 */
export function contentSecurityPolicy(
  pages: readonly string[],
): (c: Context<AppEnv>) => string | Promise<string> {
  const known = new Map<string, string>();
  const ofPage = async (res: Response): Promise<string> => {
    const html = await res.clone().text();
    let policy = known.get(html);
    if (policy === undefined) {
      policy = await pageCsp(html);
      if (known.size < 16) known.set(html, policy);
    }
    return policy;
  };
  return (c) =>
    pages.includes(c.req.path) &&
      (c.res.headers.get("Content-Type") ?? "").startsWith("text/html")
      ? ofPage(c.res)
      : API_CSP;
}
