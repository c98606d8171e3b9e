/**
 * Where the folder adapter keeps things, and the containment rule: every path a key leads to lies
 * inside its bucket's folder, even when links were planted in the tree.
 *
 * Layout under `root`:
 *   buckets/<bucket>.json   public-read flag and lifecycle rules
 *   data/<bucket>/<key>     object bytes, the key's segments as folders
 *   meta/<bucket>/<key>     sidecar JSON; the same shape as data/, so no key can collide with it
 *   tmp/                    files being written, renamed into place when complete
 *
 * @module
 */
import { dirname, join, resolve, sep as SEP } from "node:path";
import { isStoreError } from "../errors.ts";
import { mapFsError, outside } from "./folder_errors.ts";
import { validateKey } from "./keys.ts";

export type Tree = "data" | "meta";

/** Paths and walks under one object folder. */
export class FolderLayout {
  constructor(readonly root: string) {}

  base(tree: Tree, bucket: string): string {
    return join(this.root, tree, bucket);
  }

  configPath(bucket: string): string {
    return join(this.root, "buckets", `${bucket}.json`);
  }

  tmpDir(): string {
    return join(this.root, "tmp");
  }

  tmpPath(): string {
    return join(this.root, "tmp", crypto.randomUUID());
  }

  /** The file for `key`, refused when it would resolve outside the bucket folder. */
  objectPath(tree: Tree, bucket: string, key: string): string {
    const base = this.base(tree, bucket);
    const path = resolve(base, ...key.split("/"));
    if (!path.startsWith(base + SEP)) throw outside(key);
    return path;
  }

  /**
   * The file for `key` when it exists as a plain file whose folder really lies inside the bucket
   * (a symlink planted in the tree cannot lead reads elsewhere); else null.
   */
  async existingFile(tree: Tree, bucket: string, key: string): Promise<string | null> {
    const path = this.objectPath(tree, bucket, key);
    try {
      const st = await Deno.lstat(path);
      if (!st.isFile) return null;
      await this.assertInside(tree, bucket, dirname(path), key);
      return path;
    } catch (err) {
      // A file reached through a link to elsewhere is not in this bucket: there is no object.
      if (
        err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory ||
        isStoreError(err, "invalid")
      ) {
        return null;
      }
      throw mapFsError(err, key);
    }
  }

  async assertInside(tree: Tree, bucket: string, dir: string, key: string): Promise<void> {
    const base = await Deno.realPath(this.base(tree, bucket));
    const real = await Deno.realPath(dir);
    if (real !== base && !real.startsWith(base + SEP)) throw outside(key);
  }

  /** Renames a finished temp file to `key`'s place, creating folders as needed. */
  async moveInto(tmp: string, tree: Tree, bucket: string, key: string): Promise<string> {
    const path = this.objectPath(tree, bucket, key);
    // A concurrent remove may prune a folder we just made; one retry covers that race.
    for (let attempt = 1;; attempt++) {
      try {
        await Deno.mkdir(dirname(path), { recursive: true });
        await this.assertInside(tree, bucket, dirname(path), key);
        await Deno.rename(tmp, path);
        return path;
      } catch (err) {
        if (attempt < 3 && err instanceof Deno.errors.NotFound) continue;
        throw err;
      }
    }
  }

  /** Removes folders left empty by a removal, up to the bucket folder. */
  async prune(tree: Tree, bucket: string, file: string): Promise<void> {
    const base = this.base(tree, bucket);
    for (let dir = dirname(file); dir.startsWith(base + SEP); dir = dirname(dir)) {
      try {
        await Deno.remove(dir);
      } catch {
        return; // not empty (or gone): the folders above are not empty either
      }
    }
  }

  /** Every valid key under `prefix`, unordered. Only the prefix's own folder is walked. */
  async keys(bucket: string, prefix: string): Promise<string[]> {
    const cut = prefix.lastIndexOf("/");
    const dirKey = cut < 0 ? "" : prefix.slice(0, cut);
    const partial = prefix.slice(cut + 1);
    const start = dirKey === ""
      ? this.base("data", bucket)
      : this.objectPath("data", bucket, dirKey);
    if (dirKey !== "") {
      try {
        await this.assertInside("data", bucket, start, prefix);
      } catch (err) {
        // Missing folder: no keys. A folder that resolves elsewhere: none we may show.
        if (err instanceof Deno.errors.NotFound || isStoreError(err, "invalid")) return [];
        if (err instanceof Deno.errors.NotADirectory) return [];
        throw mapFsError(err, prefix);
      }
    }
    const out: string[] = [];
    const walk = async (dir: string, keyPrefix: string, first: boolean): Promise<void> => {
      let entries: Deno.DirEntry[];
      try {
        entries = await Array.fromAsync(Deno.readDir(dir));
      } catch (err) {
        if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) return;
        throw mapFsError(err, prefix);
      }
      for (const e of entries) {
        if (first && !e.name.startsWith(partial)) continue;
        const key = keyPrefix + e.name;
        // Symlinks are never followed: they could lead outside the bucket.
        if (e.isDirectory) await walk(join(dir, e.name), `${key}/`, false);
        else if (e.isFile && isKey(key) && key.startsWith(prefix)) out.push(key);
      }
    };
    await walk(start, dirKey === "" ? "" : `${dirKey}/`, true);
    return out;
  }
}

/** Whether a name found on disk is a key the port could have written (files placed by hand). */
function isKey(key: string): boolean {
  try {
    validateKey(key);
    return true;
  } catch {
    return false;
  }
}
