/**
 * Reads the numbered migrations in sql/: NNNN_name.up.sql with its NNNN_name.down.sql, each
 * checksummed so the runner can refuse to go on when an applied file was edited afterwards.
 *
 * @module
 */

export interface Migration {
  version: number;
  name: string;
  up: string;
  down: string;
  /** sha256 of the up and down text, hex. */
  checksum: string;
}

const FILE = /^(\d{4})_([a-z0-9_]+)\.(up|down)\.sql$/;

/** The default migrations folder, sql/ at the repository root. */
export const SQL_DIR = new URL("../../sql/", import.meta.url);

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Loads every migration in `dir`, sorted by version; throws when an up lacks its down. */
export async function loadMigrations(dir: URL = SQL_DIR): Promise<Migration[]> {
  const parts = new Map<number, { name: string; up?: string; down?: string }>();
  for await (const entry of Deno.readDir(dir)) {
    const m = entry.isFile ? entry.name.match(FILE) : null;
    if (!m) continue;
    const version = Number(m[1]);
    const slot = parts.get(version) ?? { name: m[2] };
    if (slot.name !== m[2]) {
      throw new Error(`migration ${m[1]} has two names: ${slot.name} and ${m[2]}`);
    }
    const text = await Deno.readTextFile(new URL(entry.name, dir));
    if (m[3] === "up") slot.up = text;
    else slot.down = text;
    parts.set(version, slot);
  }
  const out: Migration[] = [];
  for (const [version, p] of [...parts].sort((a, b) => a[0] - b[0])) {
    if (p.up === undefined || p.down === undefined) {
      throw new Error(`migration ${version} (${p.name}) needs both .up.sql and .down.sql`);
    }
    out.push({
      version,
      name: p.name,
      up: p.up,
      down: p.down,
      checksum: await sha256(`${p.up}\n--down--\n${p.down}`),
    });
  }
  return out;
}
