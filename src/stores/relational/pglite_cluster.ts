/**
 * Whether a folder holds an embedded Postgres cluster: kept apart from pglite.ts so the API's own
 * thread can ask without loading PGlite, which only its worker thread needs.
 *
 * @module
 */

/** Whether `dir` already holds a Postgres cluster (initdb writes PG_VERSION). */
export async function isCluster(dir: string): Promise<boolean> {
  try {
    return (await Deno.stat(`${dir}/PG_VERSION`)).isFile;
  } catch {
    return false;
  }
}
