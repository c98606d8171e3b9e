// The embedded objects adapter: buckets as folders under one root, content types and metadata in
// a mirrored sidecar tree, atomic writes, HMAC-signed URLs the API serves, and a lifecycle sweeper.
//
// Layout under `root`:
//   buckets/<bucket>.json   public-read flag and lifecycle rules
//   data/<bucket>/<key>     object bytes, the key's segments as folders
//   meta/<bucket>/<key>     sidecar JSON; the same shape as data/, so no key can collide with it
//   tmp/                    files being written, renamed into place when complete
import { dirname, join, resolve, sep as SEP } from "node:path";
import { createMD5 } from "hash-wasm";
import { isStoreError, StoreError } from "../errors.ts";
import { measureHealth, type StoreHealth } from "../health.ts";
import {
  compareKeys,
  encodeKeyPath,
  sortRules,
  validateBucket,
  validateContentType,
  validateExpiry,
  validateKey,
  validateLimit,
  validateMetadata,
  validatePrefix,
  validateRules,
} from "./keys.ts";
import type {
  Body,
  LifecycleRule,
  ListOptions,
  ObjectInfo,
  ObjectStore,
  PutOptions,
  SignedPutOptions,
} from "./port.ts";
import { type GrantCheck, GrantSigner, type SignedGrant, type SignedRequest } from "./signing.ts";

/** Where the API serves the folder adapter's signed URLs (see src/files/signed_url_routes.ts). */
export const SIGNED_URL_BASE_PATH = "/api/v1/objects/signed";

const DAY_MS = 24 * 3600 * 1000;
/** Leftovers in tmp/ older than this come from crashed writes and are removed by the sweeper. */
const STALE_TMP_MS = DAY_MS;

export interface FolderObjectsOptions {
  /** Folder holding everything, normally `$DATA_DIR/objects`; created when missing. */
  root: string;
  /** Secret for signed URLs, at least 16 characters. */
  signingKey: string;
  /** Public base URL of the API, e.g. "http://127.0.0.1:8000"; signed URLs start with it. */
  publicUrl: string;
  /** Current time in ms; tests move it to age objects and expire URLs. Default `Date.now`. */
  now?: () => number;
}

/** The folder adapter: the port plus what only an adapter without a server needs. */
export interface FolderObjectStore extends ObjectStore {
  readonly adapter: "folder";
  /** Removes objects older than their bucket's lifecycle rules; returns how many. */
  sweep(now?: Date): Promise<number>;
  /**
   * Runs `sweep` every `intervalMs` until the returned function is called (or the store closes).
   * Sweeps never overlap; a failed sweep goes to `onError` and the next one still runs.
   */
  startSweeper(intervalMs: number, onError?: (err: unknown) => void): () => void;
  /** Checks a request for a signed URL against its signature, method and expiry. */
  verifySignedRequest(req: SignedRequest): Promise<GrantCheck>;
  /** Whether the bucket was made public-read (serving anonymous reads is the API's concern). */
  isPublicRead(bucket: string): Promise<boolean>;
  /** Removes a bucket; refused as `conflict` when it holds objects unless `force`. */
  removeBucket(bucket: string, options?: { force?: boolean }): Promise<boolean>;
}

interface BucketConfig {
  created_at: string;
  public_read: boolean;
  lifecycle: LifecycleRule[];
}

interface Sidecar {
  size: number;
  etag: string;
  content_type: string;
  last_modified: string;
  metadata: Record<string, string>;
}

/**
 * Opens (creating when missing) the object folders under `opts.root`.
 *
 * @example
 * ```ts
 * const objects = await openFolderObjects({
 *   root: "./data/objects",
 *   signingKey: secret,
 *   publicUrl: "http://127.0.0.1:8000",
 * });
 * await objects.ensureBucket("temp");
 * await objects.put("temp", "2026/11/import/1/rows.csv", "a,b\n", { contentType: "text/csv" });
 * ```
 */
export async function openFolderObjects(opts: FolderObjectsOptions): Promise<FolderObjectStore> {
  if (opts.signingKey.length < 16) {
    throw new StoreError("invalid", "objects", "signing key must be at least 16 characters", {
      field: "signingKey",
    });
  }
  const root = resolve(opts.root);
  try {
    for (const dir of ["buckets", "data", "meta", "tmp"]) {
      await Deno.mkdir(join(root, dir), { recursive: true });
    }
  } catch (err) {
    throw new StoreError("unavailable", "objects", `cannot use object folder: ${message(err)}`, {
      cause: err,
    });
  }
  return new FolderStore(root, new GrantSigner(opts.signingKey), opts);
}

class FolderStore implements FolderObjectStore {
  readonly adapter = "folder" as const;
  readonly #root: string;
  readonly #signer: GrantSigner;
  readonly #publicUrl: string;
  readonly #now: () => number;
  readonly #locks = new Map<string, Promise<unknown>>();
  readonly #sweepers = new Set<() => void>();
  readonly #running = new Set<Promise<unknown>>();

  constructor(root: string, signer: GrantSigner, opts: FolderObjectsOptions) {
    this.#root = root;
    this.#signer = signer;
    this.#publicUrl = opts.publicUrl.replace(/\/+$/, "");
    this.#now = opts.now ?? Date.now;
  }

  async ensureBucket(bucket: string, options?: { publicRead?: boolean }): Promise<void> {
    validateBucket(bucket);
    await this.#lock(`bucket:${bucket}`, async () => {
      await fs(async () => {
        await Deno.mkdir(this.#base("data", bucket), { recursive: true });
        await Deno.mkdir(this.#base("meta", bucket), { recursive: true });
      });
      const cfg = await this.#readConfig(bucket);
      if (cfg === null) {
        await this.#writeConfig(bucket, {
          created_at: new Date(this.#now()).toISOString(),
          public_read: options?.publicRead ?? false,
          lifecycle: [],
        });
      } else if (options?.publicRead !== undefined && cfg.public_read !== options.publicRead) {
        await this.#writeConfig(bucket, { ...cfg, public_read: options.publicRead });
      }
    });
  }

  async listBuckets(): Promise<string[]> {
    const names: string[] = [];
    await fs(async () => {
      for await (const e of Deno.readDir(join(this.#root, "buckets"))) {
        const name = e.isFile && e.name.endsWith(".json") ? e.name.slice(0, -5) : "";
        if (isBucketName(name)) names.push(name);
      }
    });
    return names.sort();
  }

  async removeBucket(bucket: string, options?: { force?: boolean }): Promise<boolean> {
    validateBucket(bucket);
    return await this.#lock(`bucket:${bucket}`, async () => {
      if ((await this.#readConfig(bucket)) === null) return false;
      if (!options?.force && (await this.#keys(bucket, "")).length > 0) {
        throw new StoreError("conflict", "objects", `bucket ${bucket} is not empty`);
      }
      await fs(async () => {
        await Deno.remove(join(this.#root, "buckets", `${bucket}.json`));
        for (const tree of ["data", "meta"] as const) {
          await Deno.remove(this.#base(tree, bucket), { recursive: true }).catch(ignoreNotFound);
        }
      });
      return true;
    });
  }

  async put(bucket: string, key: string, body: Body, options?: PutOptions): Promise<ObjectInfo> {
    validateBucket(bucket);
    validateKey(key);
    const contentType = validateContentType(options?.contentType);
    const metadata = validateMetadata(options?.metadata);
    const expected = options?.size;
    if (expected !== undefined && (!Number.isInteger(expected) || expected < 0)) {
      throw new StoreError("invalid", "objects", "size must be a whole number of bytes", {
        field: "size",
      });
    }
    await this.#requireBucket(bucket);
    return await this.#lock(`object:${bucket}/${key}`, async () => {
      const tmpData = this.#tmpPath();
      const tmpMeta = this.#tmpPath();
      try {
        const { size, etag } = await writeBody(tmpData, body);
        if (expected !== undefined && size !== expected) {
          throw new StoreError("invalid", "objects", `body has ${size} bytes, not ${expected}`, {
            field: "size",
          });
        }
        const sidecar: Sidecar = {
          size,
          etag,
          content_type: contentType,
          last_modified: new Date(this.#now()).toISOString(),
          metadata,
        };
        await fs(() => Deno.writeTextFile(tmpMeta, JSON.stringify(sidecar)));
        // The sidecar lands first: the data file is what makes the object exist.
        const metaPath = await this.#moveInto(tmpMeta, "meta", bucket, key);
        try {
          await this.#moveInto(tmpData, "data", bucket, key);
        } catch (err) {
          // No object came of it, so neither may its sidecar (it would block the key later).
          await Deno.remove(metaPath).catch(() => {});
          await this.#prune("meta", bucket, metaPath);
          throw err;
        }
        return toInfo(bucket, key, sidecar);
      } catch (err) {
        await Deno.remove(tmpData).catch(() => {});
        await Deno.remove(tmpMeta).catch(() => {});
        throw mapFsError(err, key);
      }
    });
  }

  async get(
    bucket: string,
    key: string,
  ): Promise<{ info: ObjectInfo; body: ReadableStream<Uint8Array> }> {
    validateBucket(bucket);
    validateKey(key);
    await this.#requireBucket(bucket);
    const path = await this.#existingFile("data", bucket, key);
    if (path === null) throw missing(bucket, key);
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { read: true });
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) throw missing(bucket, key);
      throw mapFsError(err, key);
    }
    try {
      const st = await file.stat();
      if (!st.isFile) throw missing(bucket, key);
      const info = await this.#info(bucket, key, st);
      return { info, body: file.readable };
    } catch (err) {
      file.close();
      throw mapFsError(err, key);
    }
  }

  async stat(bucket: string, key: string): Promise<ObjectInfo | null> {
    validateBucket(bucket);
    validateKey(key);
    if ((await this.#readConfig(bucket)) === null) return null;
    return await this.#statKey(bucket, key);
  }

  async list(bucket: string, prefix = "", options?: ListOptions): Promise<ObjectInfo[]> {
    validateBucket(bucket);
    validatePrefix(prefix);
    const limit = validateLimit(options?.limit);
    const after = options?.startAfter;
    await this.#requireBucket(bucket);
    const keys = (await this.#keys(bucket, prefix))
      .filter((k) => after === undefined || compareKeys(k, after) > 0)
      .sort(compareKeys);
    const out: ObjectInfo[] = [];
    for (const key of keys) {
      if (out.length >= limit) break;
      const info = await this.#statKey(bucket, key);
      if (info !== null) out.push(info); // null: removed while we listed
    }
    return out;
  }

  async remove(bucket: string, key: string): Promise<boolean> {
    validateBucket(bucket);
    validateKey(key);
    if ((await this.#readConfig(bucket)) === null) return false;
    return await this.#lock(`object:${bucket}/${key}`, async () => {
      const data = await this.#existingFile("data", bucket, key);
      if (data === null) return false;
      try {
        await Deno.remove(data);
      } catch (err) {
        if (err instanceof Deno.errors.NotFound) return false;
        throw mapFsError(err, key);
      }
      const meta = this.#objectPath("meta", bucket, key);
      await Deno.remove(meta).catch(ignoreNotFound).catch((err) => {
        throw mapFsError(err, key);
      });
      await this.#prune("data", bucket, data);
      await this.#prune("meta", bucket, meta);
      return true;
    });
  }

  async signedGetUrl(bucket: string, key: string, expiresSeconds: number): Promise<string> {
    validateBucket(bucket);
    validateKey(key);
    return await this.#signedUrl({
      method: "GET",
      bucket,
      key,
      expires: this.#expiry(expiresSeconds),
    });
  }

  async signedPutUrl(
    bucket: string,
    key: string,
    expiresSeconds: number,
    options?: SignedPutOptions,
  ): Promise<string> {
    validateBucket(bucket);
    validateKey(key);
    const grant: SignedGrant = {
      method: "PUT",
      bucket,
      key,
      expires: this.#expiry(expiresSeconds),
    };
    if (options?.contentType !== undefined) {
      grant.contentType = validateContentType(options.contentType);
    }
    if (options?.maxSize !== undefined) {
      if (!Number.isSafeInteger(options.maxSize) || options.maxSize < 0) {
        throw new StoreError("invalid", "objects", "maxSize must be a whole number of bytes", {
          field: "maxSize",
        });
      }
      grant.maxSize = options.maxSize;
    }
    return await this.#signedUrl(grant);
  }

  verifySignedRequest(req: SignedRequest): Promise<GrantCheck> {
    // A name we would refuse to sign cannot carry a genuine signature.
    if (!isBucketName(req.bucket) || !isKey(req.key)) {
      return Promise.resolve({ ok: false, reason: "bad_signature" });
    }
    return this.#signer.verify(req, this.#now() / 1000);
  }

  async setLifecycle(bucket: string, rules: readonly LifecycleRule[]): Promise<void> {
    validateBucket(bucket);
    const clean = validateRules(rules);
    await this.#requireBucket(bucket);
    await this.#lock(`bucket:${bucket}`, async () => {
      const cfg = await this.#readConfig(bucket);
      if (cfg === null) throw noBucket(bucket);
      await this.#writeConfig(bucket, { ...cfg, lifecycle: clean });
    });
  }

  async getLifecycle(bucket: string): Promise<LifecycleRule[]> {
    validateBucket(bucket);
    const cfg = await this.#readConfig(bucket);
    if (cfg === null) throw noBucket(bucket);
    return sortRules(cfg.lifecycle);
  }

  async isPublicRead(bucket: string): Promise<boolean> {
    validateBucket(bucket);
    const cfg = await this.#readConfig(bucket);
    if (cfg === null) throw noBucket(bucket);
    return cfg.public_read;
  }

  sweep(now?: Date): Promise<number> {
    const run = this.#sweep(now?.getTime() ?? this.#now());
    this.#running.add(run);
    return run.finally(() => this.#running.delete(run));
  }

  startSweeper(intervalMs: number, onError?: (err: unknown) => void): () => void {
    if (!Number.isInteger(intervalMs) || intervalMs < 1) {
      throw new StoreError("invalid", "objects", "sweeper interval must be at least 1 ms");
    }
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const schedule = () => {
      const t = setTimeout(tick, intervalMs);
      // A sweeper alone must not keep the process alive.
      Deno.unrefTimer(t);
      timer = t;
    };
    const tick = async () => {
      try {
        await this.sweep();
      } catch (err) {
        onError?.(err);
      }
      if (!stopped) schedule();
    };
    const stop = () => {
      stopped = true;
      clearTimeout(timer);
      this.#sweepers.delete(stop);
    };
    this.#sweepers.add(stop);
    schedule();
    return stop;
  }

  health(): Promise<StoreHealth> {
    return measureHealth("folder", async () => {
      const probe = this.#tmpPath();
      await Deno.writeTextFile(probe, "ok");
      await Deno.remove(probe);
    });
  }

  async close(): Promise<void> {
    for (const stop of [...this.#sweepers]) stop();
    await Promise.allSettled([...this.#running]);
  }

  // ---- internals ----

  async #sweep(nowMs: number): Promise<number> {
    let removed = 0;
    for (const bucket of await this.listBuckets()) {
      const cfg = await this.#readConfig(bucket);
      if (cfg === null || cfg.lifecycle.length === 0) continue;
      for (const key of await this.#keys(bucket, "")) {
        // Where rules overlap the shortest one wins, as on S3.
        const days = cfg.lifecycle.filter((r) => key.startsWith(r.prefix))
          .reduce((min, r) => Math.min(min, r.expireDays), Infinity);
        if (days === Infinity) continue;
        const info = await this.#statKey(bucket, key);
        if (info === null || nowMs - info.last_modified.getTime() <= days * DAY_MS) continue;
        if (await this.remove(bucket, key)) removed++;
      }
    }
    // Temp files carry real mtimes, so their age is measured on the wall clock, whatever `now`
    // the sweep was asked to assume.
    await this.#cleanTmp(Date.now());
    return removed;
  }

  async #cleanTmp(nowMs: number): Promise<void> {
    const dir = join(this.#root, "tmp");
    for await (const e of Deno.readDir(dir)) {
      const path = join(dir, e.name);
      const st = await Deno.lstat(path).catch(() => null);
      if (st?.mtime && nowMs - st.mtime.getTime() > STALE_TMP_MS) {
        await Deno.remove(path, { recursive: true }).catch(() => {});
      }
    }
  }

  #base(tree: "data" | "meta", bucket: string): string {
    return join(this.#root, tree, bucket);
  }

  /** The file for `key`, refused when it would resolve outside the bucket folder. */
  #objectPath(tree: "data" | "meta", bucket: string, key: string): string {
    const base = this.#base(tree, bucket);
    const path = resolve(base, ...key.split("/"));
    if (!path.startsWith(base + SEP)) throw outside(key);
    return path;
  }

  /**
   * The file for `key` when it exists as a plain file whose folder really lies inside the bucket
   * (a symlink planted in the tree cannot lead reads elsewhere); else null.
   */
  async #existingFile(tree: "data" | "meta", bucket: string, key: string): Promise<string | null> {
    const path = this.#objectPath(tree, bucket, key);
    try {
      const st = await Deno.lstat(path);
      if (!st.isFile) return null;
      await this.#assertInside(tree, bucket, dirname(path), key);
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

  async #assertInside(tree: "data" | "meta", bucket: string, dir: string, key: string) {
    const base = await Deno.realPath(this.#base(tree, bucket));
    const real = await Deno.realPath(dir);
    if (real !== base && !real.startsWith(base + SEP)) throw outside(key);
  }

  /** Renames a finished temp file to `key`'s place, creating folders as needed. */
  async #moveInto(
    tmp: string,
    tree: "data" | "meta",
    bucket: string,
    key: string,
  ): Promise<string> {
    const path = this.#objectPath(tree, bucket, key);
    // A concurrent remove may prune a folder we just made; one retry covers that race.
    for (let attempt = 1;; attempt++) {
      try {
        await Deno.mkdir(dirname(path), { recursive: true });
        await this.#assertInside(tree, bucket, dirname(path), key);
        await Deno.rename(tmp, path);
        return path;
      } catch (err) {
        if (attempt < 3 && err instanceof Deno.errors.NotFound) continue;
        throw err;
      }
    }
  }

  /** Removes folders left empty by a removal, up to the bucket folder. */
  async #prune(tree: "data" | "meta", bucket: string, file: string) {
    const base = this.#base(tree, bucket);
    for (let dir = dirname(file); dir.startsWith(base + SEP); dir = dirname(dir)) {
      try {
        await Deno.remove(dir);
      } catch {
        return; // not empty (or gone): the folders above are not empty either
      }
    }
  }

  async #statKey(bucket: string, key: string): Promise<ObjectInfo | null> {
    const path = await this.#existingFile("data", bucket, key);
    if (path === null) return null;
    try {
      return await this.#info(bucket, key, await Deno.stat(path));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return null;
      throw mapFsError(err, key);
    }
  }

  /** Info from the sidecar; from the file alone when the sidecar is missing or stale. */
  async #info(bucket: string, key: string, st: Deno.FileInfo): Promise<ObjectInfo> {
    const sidecar = await this.#readSidecar(bucket, key);
    if (sidecar !== null && sidecar.size === st.size) return toInfo(bucket, key, sidecar);
    const mtime = st.mtime ?? new Date(0);
    return {
      bucket,
      key,
      size: st.size,
      content_type: validateContentType(undefined),
      etag: `${st.size.toString(16)}-${mtime.getTime().toString(16)}`,
      last_modified: mtime,
      metadata: {},
    };
  }

  async #readSidecar(bucket: string, key: string): Promise<Sidecar | null> {
    try {
      const path = await this.#existingFile("meta", bucket, key);
      if (path === null) return null;
      const v = JSON.parse(await Deno.readTextFile(path));
      return isSidecar(v) ? v : null;
    } catch (err) {
      if (err instanceof SyntaxError || err instanceof Deno.errors.NotFound) return null;
      throw mapFsError(err, key);
    }
  }

  /** Every valid key under `prefix`, unordered. Only the prefix's own folder is walked. */
  async #keys(bucket: string, prefix: string): Promise<string[]> {
    const cut = prefix.lastIndexOf("/");
    const dirKey = cut < 0 ? "" : prefix.slice(0, cut);
    const partial = prefix.slice(cut + 1);
    const start = dirKey === ""
      ? this.#base("data", bucket)
      : this.#objectPath("data", bucket, dirKey);
    if (dirKey !== "") {
      try {
        await this.#assertInside("data", bucket, start, prefix);
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

  async #requireBucket(bucket: string): Promise<void> {
    if ((await this.#readConfig(bucket)) === null) throw noBucket(bucket);
  }

  async #readConfig(bucket: string): Promise<BucketConfig | null> {
    let text: string;
    try {
      text = await Deno.readTextFile(join(this.#root, "buckets", `${bucket}.json`));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return null;
      throw mapFsError(err, bucket);
    }
    const v = JSON.parse(text) as Partial<BucketConfig>;
    return {
      created_at: String(v.created_at ?? ""),
      public_read: v.public_read === true,
      lifecycle: Array.isArray(v.lifecycle) ? validateRules(v.lifecycle) : [],
    };
  }

  async #writeConfig(bucket: string, cfg: BucketConfig): Promise<void> {
    const tmp = this.#tmpPath();
    try {
      await Deno.writeTextFile(tmp, JSON.stringify(cfg, null, 2));
      await Deno.rename(tmp, join(this.#root, "buckets", `${bucket}.json`));
    } catch (err) {
      await Deno.remove(tmp).catch(() => {});
      throw mapFsError(err, bucket);
    }
  }

  #tmpPath(): string {
    return join(this.#root, "tmp", crypto.randomUUID());
  }

  #expiry(expiresSeconds: number): number {
    return Math.floor(this.#now() / 1000) + validateExpiry(expiresSeconds);
  }

  async #signedUrl(grant: SignedGrant): Promise<string> {
    const params = await this.#signer.sign(grant);
    return `${this.#publicUrl}${SIGNED_URL_BASE_PATH}/${grant.bucket}/${
      encodeKeyPath(grant.key)
    }?${params}`;
  }

  /** Runs `fn` after every earlier holder of `name` in this process has finished. */
  async #lock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#locks.get(name) ?? Promise.resolve();
    const run = prev.catch(() => {}).then(fn);
    const tail = run.catch(() => {});
    this.#locks.set(name, tail);
    try {
      return await run;
    } finally {
      if (this.#locks.get(name) === tail) this.#locks.delete(name);
    }
  }
}

/** Streams `body` into a new file at `path`, hashing as it goes; the file is synced to disk. */
async function writeBody(path: string, body: Body): Promise<{ size: number; etag: string }> {
  const md5 = await createMD5();
  md5.init();
  const file = await fs(() => Deno.open(path, { write: true, createNew: true }));
  let size = 0;
  const write = async (chunk: Uint8Array) => {
    md5.update(chunk);
    size += chunk.length;
    for (let off = 0; off < chunk.length;) off += await fs(() => file.write(chunk.subarray(off)));
  };
  try {
    if (typeof body === "string") await write(new TextEncoder().encode(body));
    else if (body instanceof Uint8Array) await write(body);
    else {
      // Errors thrown by the caller's stream propagate unchanged, so the caller can tell its
      // own refusals (e.g. an upload over its size limit) from storage failures.
      for await (const chunk of body) {
        if (!(chunk instanceof Uint8Array)) {
          throw new StoreError("invalid", "objects", "body stream must yield Uint8Array chunks");
        }
        await write(chunk);
      }
    }
    await fs(() => file.syncData());
  } finally {
    file.close();
  }
  return { size, etag: md5.digest("hex") };
}

function toInfo(bucket: string, key: string, s: Sidecar): ObjectInfo {
  return {
    bucket,
    key,
    size: s.size,
    content_type: s.content_type,
    etag: s.etag,
    last_modified: new Date(s.last_modified),
    metadata: { ...s.metadata },
  };
}

function isSidecar(v: unknown): v is Sidecar {
  if (typeof v !== "object" || v === null) return false;
  const s = v as Record<string, unknown>;
  return typeof s.size === "number" && typeof s.etag === "string" &&
    typeof s.content_type === "string" && typeof s.last_modified === "string" &&
    typeof s.metadata === "object" && s.metadata !== null;
}

function isKey(key: string): boolean {
  try {
    validateKey(key);
    return true;
  } catch {
    return false;
  }
}

function isBucketName(name: string): boolean {
  try {
    validateBucket(name);
    return true;
  } catch {
    return false;
  }
}

function missing(bucket: string, key: string): StoreError {
  return new StoreError("not_found", "objects", `object ${bucket}/${key} does not exist`);
}

function noBucket(bucket: string): StoreError {
  return new StoreError("not_found", "objects", `bucket ${bucket} does not exist`);
}

function outside(key: string): StoreError {
  return new StoreError("invalid", "objects", `key ${JSON.stringify(key)} leaves its bucket`, {
    field: "key",
  });
}

function ignoreNotFound(err: unknown): void {
  if (!(err instanceof Deno.errors.NotFound)) throw err;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs a file-system call, turning its failure into a StoreError. */
async function fs<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw mapFsError(err, "");
  }
}

/**
 * File-system failures as store errors; anything that is not one (a caller's stream failing)
 * is returned unchanged.
 */
function mapFsError(err: unknown, key: string): unknown {
  if (err instanceof StoreError) return err;
  const code = (err as { code?: unknown })?.code;
  if (!(err instanceof Error) || typeof code !== "string" || !/^E[A-Z]+$/.test(code)) return err;
  switch (code) {
    case "ENOENT":
      return new StoreError("not_found", "objects", `not found: ${key}`, { cause: err });
    case "ENOTDIR":
    case "EISDIR":
    case "EEXIST":
    case "ENOTEMPTY":
      // On disk a key cannot be both a file and the folder of longer keys ("a" and "a/b").
      return new StoreError(
        "conflict",
        "objects",
        `key ${
          JSON.stringify(key)
        } clashes with an existing key that is a file or a folder of keys`,
        { cause: err, field: "key" },
      );
    case "ENAMETOOLONG":
      return new StoreError("invalid", "objects", "a key segment is too long for the file system", {
        cause: err,
        field: "key",
      });
    default:
      return new StoreError("unavailable", "objects", `object folder failed: ${code}`, {
        cause: err,
      });
  }
}
