// Entity tags of rows and the If-Match check. The tag hashes the row's JSON, so it works the same
// for tables with and without updated_at and changes whenever the representation does.

/** Strong ETag of a row: a quoted base64url SHA-256 prefix of its JSON. */
export async function etagOf(row: Readonly<Record<string, unknown>>): Promise<string> {
  const data = new TextEncoder().encode(JSON.stringify(row));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data)).slice(0, 18);
  let bin = "";
  for (const b of digest) bin += String.fromCharCode(b);
  return `"${btoa(bin).replace(/\+/g, "-").replace(/\//g, "_")}"`;
}

/**
 * True when an If-Match header lets a change go ahead against a row whose tag is `etag`: no header
 * (optimistic locking is opt-in), `*`, or a list naming the tag. A weak prefix (W/) is ignored,
 * because clients and proxies add it while the tag still hashes the same representation.
 */
export function ifMatchAllows(header: string | undefined, etag: string): boolean {
  if (header === undefined) return true;
  const h = header.trim();
  if (h === "*") return true;
  const want = etag.replace(/^W\//, "");
  return h.split(",").some((t) => t.trim().replace(/^W\//, "") === want);
}
