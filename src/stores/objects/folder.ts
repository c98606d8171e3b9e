/**
 * The embedded objects adapter: buckets as folders under one root (see folder_layout.ts), content
 * types and metadata in sidecars, atomic writes, HMAC-signed URLs the API serves, and a lifecycle
 * sweep. Input reaches it checked (checked.ts); it only stores.
 *
 * @module
 */
import { resolve } from "node:path";
import { StoreError } from "../errors.ts";
import { measureHealth, type StoreHealth } from "../health.ts";
import type { LifecycleSweep, LocalSigning } from "./capabilities.ts";
import { checkObjects, type ObjectAdapter } from "./checked.ts";
import { fs, ignoreNotFound, mapFsError, message, missing, noBucket } from "./folder_errors.ts";
import { FolderLayout } from "./folder_layout.ts";
import { infoOf, readConfig, writeConfig } from "./folder_sidecar.ts";
import { startSweeper, sweepFolder } from "./folder_sweeper.ts";
import { writeObject } from "./folder_write.ts";
import {
  compareKeys,
  DEFAULT_CONTENT_TYPE,
  encodeKeyPath,
  isWellFormedObject,
  validateBucket,
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
export interface FolderObjectStore extends ObjectStore, LocalSigning, LifecycleSweep {
  readonly adapter: "folder";
  /**
   * Runs `sweep` every `intervalMs` until the returned function is called (or the store closes).
   * Sweeps never overlap; a failed sweep goes to `onError` and the next one still runs.
   */
  startSweeper(intervalMs: number, onError?: (err: unknown) => void): () => void;
  /** Removes a bucket; refused as `conflict` when it holds objects unless `force`. */
  removeBucket(bucket: string, options?: { force?: boolean }): Promise<boolean>;
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
      await Deno.mkdir(`${root}/${dir}`, { recursive: true });
    }
  } catch (err) {
    throw new StoreError("unavailable", "objects", `cannot use object folder: ${message(err)}`, {
      cause: err,
    });
  }
  const folder = new FolderAdapter(new FolderLayout(root), new GrantSigner(opts.signingKey), opts);
  const extras: Omit<FolderObjectStore, keyof ObjectStore> = {
    sweep: (now) => folder.sweep(now),
    startSweeper: (intervalMs, onError) => folder.startSweeper(intervalMs, onError),
    // A name we would refuse to sign cannot carry a genuine signature.
    verifySignedRequest: (req) =>
      isWellFormedObject(req.bucket, req.key)
        ? folder.verifySignedRequest(req)
        : Promise.resolve({ ok: false, reason: "bad_signature" }),
    isPublicRead: async (bucket) => await folder.isPublicRead(validateBucket(bucket)),
    removeBucket: async (bucket, options) =>
      await folder.removeBucket(validateBucket(bucket), options),
  };
  return checkObjects(folder, extras) as FolderObjectStore;
}

class FolderAdapter implements ObjectAdapter {
  readonly adapter = "folder" as const;
  readonly #layout: FolderLayout;
  readonly #signer: GrantSigner;
  readonly #publicUrl: string;
  readonly #now: () => number;
  readonly #locks = new Map<string, Promise<unknown>>();
  readonly #sweepers = new Set<() => void>();
  readonly #running = new Set<Promise<unknown>>();

  constructor(layout: FolderLayout, signer: GrantSigner, opts: FolderObjectsOptions) {
    this.#layout = layout;
    this.#signer = signer;
    this.#publicUrl = opts.publicUrl.replace(/\/+$/, "");
    this.#now = opts.now ?? Date.now;
  }

  async ensureBucket(bucket: string, options?: { publicRead?: boolean }): Promise<void> {
    await this.#lock(`bucket:${bucket}`, async () => {
      await fs(async () => {
        await Deno.mkdir(this.#layout.base("data", bucket), { recursive: true });
        await Deno.mkdir(this.#layout.base("meta", bucket), { recursive: true });
      });
      const cfg = await readConfig(this.#layout, bucket);
      if (cfg === null) {
        await writeConfig(this.#layout, bucket, {
          created_at: new Date(this.#now()).toISOString(),
          public_read: options?.publicRead ?? false,
          lifecycle: [],
        });
      } else if (options?.publicRead !== undefined && cfg.public_read !== options.publicRead) {
        await writeConfig(this.#layout, bucket, { ...cfg, public_read: options.publicRead });
      }
    });
  }

  async listBuckets(): Promise<string[]> {
    const names: string[] = [];
    await fs(async () => {
      for await (const e of Deno.readDir(`${this.#layout.root}/buckets`)) {
        const name = e.isFile && e.name.endsWith(".json") ? e.name.slice(0, -5) : "";
        if (isWellFormedObject(name, "x")) names.push(name);
      }
    });
    return names;
  }

  async removeBucket(bucket: string, options?: { force?: boolean }): Promise<boolean> {
    return await this.#lock(`bucket:${bucket}`, async () => {
      if ((await readConfig(this.#layout, bucket)) === null) return false;
      if (!options?.force && (await this.#layout.keys(bucket, "")).length > 0) {
        throw new StoreError("conflict", "objects", `bucket ${bucket} is not empty`);
      }
      await fs(async () => {
        await Deno.remove(this.#layout.configPath(bucket));
        for (const tree of ["data", "meta"] as const) {
          await Deno.remove(this.#layout.base(tree, bucket), { recursive: true })
            .catch(ignoreNotFound);
        }
      });
      return true;
    });
  }

  async put(bucket: string, key: string, body: Body, options?: PutOptions): Promise<ObjectInfo> {
    await this.#requireBucket(bucket);
    return await this.#lock(`object:${bucket}/${key}`, () =>
      writeObject(this.#layout, {
        bucket,
        key,
        body,
        contentType: options?.contentType ?? DEFAULT_CONTENT_TYPE,
        metadata: options?.metadata ?? {},
        size: options?.size,
        now: new Date(this.#now()),
      }));
  }

  async get(
    bucket: string,
    key: string,
  ): Promise<{ info: ObjectInfo; body: ReadableStream<Uint8Array> }> {
    await this.#requireBucket(bucket);
    const path = await this.#layout.existingFile("data", bucket, key);
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
      const info = await infoOf(this.#layout, bucket, key, st);
      return { info, body: file.readable };
    } catch (err) {
      file.close();
      throw mapFsError(err, key);
    }
  }

  async stat(bucket: string, key: string): Promise<ObjectInfo | null> {
    if ((await readConfig(this.#layout, bucket)) === null) return null;
    return await this.#statKey(bucket, key);
  }

  async list(bucket: string, prefix = "", options?: ListOptions): Promise<ObjectInfo[]> {
    const limit = options?.limit ?? 1000;
    const after = options?.startAfter;
    await this.#requireBucket(bucket);
    const keys = (await this.#layout.keys(bucket, prefix))
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
    if ((await readConfig(this.#layout, bucket)) === null) return false;
    return await this.#lock(`object:${bucket}/${key}`, async () => {
      const data = await this.#layout.existingFile("data", bucket, key);
      if (data === null) return false;
      try {
        await Deno.remove(data);
      } catch (err) {
        if (err instanceof Deno.errors.NotFound) return false;
        throw mapFsError(err, key);
      }
      const meta = this.#layout.objectPath("meta", bucket, key);
      await Deno.remove(meta).catch(ignoreNotFound).catch((err) => {
        throw mapFsError(err, key);
      });
      await this.#layout.prune("data", bucket, data);
      await this.#layout.prune("meta", bucket, meta);
      return true;
    });
  }

  async signedGetUrl(bucket: string, key: string, expiresSeconds: number): Promise<string> {
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
    const grant: SignedGrant = {
      method: "PUT",
      bucket,
      key,
      expires: this.#expiry(expiresSeconds),
    };
    if (options?.contentType !== undefined) grant.contentType = options.contentType;
    if (options?.maxSize !== undefined) grant.maxSize = options.maxSize;
    return await this.#signedUrl(grant);
  }

  verifySignedRequest(req: SignedRequest): Promise<GrantCheck> {
    return this.#signer.verify(req, this.#now() / 1000);
  }

  async setLifecycle(bucket: string, rules: readonly LifecycleRule[]): Promise<void> {
    await this.#requireBucket(bucket);
    await this.#lock(`bucket:${bucket}`, async () => {
      const cfg = await readConfig(this.#layout, bucket);
      if (cfg === null) throw noBucket(bucket);
      await writeConfig(this.#layout, bucket, { ...cfg, lifecycle: [...rules] });
    });
  }

  async getLifecycle(bucket: string): Promise<LifecycleRule[]> {
    const cfg = await readConfig(this.#layout, bucket);
    if (cfg === null) throw noBucket(bucket);
    return cfg.lifecycle;
  }

  async isPublicRead(bucket: string): Promise<boolean> {
    const cfg = await readConfig(this.#layout, bucket);
    if (cfg === null) throw noBucket(bucket);
    return cfg.public_read;
  }

  sweep(now?: Date): Promise<number> {
    const run = sweepFolder(
      {
        layout: this.#layout,
        listBuckets: () => this.listBuckets(),
        statKey: (bucket, key) => this.#statKey(bucket, key),
        remove: (bucket, key) => this.remove(bucket, key),
      },
      now?.getTime() ?? this.#now(),
    );
    this.#running.add(run);
    return run.finally(() => this.#running.delete(run));
  }

  startSweeper(intervalMs: number, onError?: (err: unknown) => void): () => void {
    const stopTimer = startSweeper(() => this.sweep(), intervalMs, onError);
    const stop = () => {
      stopTimer();
      this.#sweepers.delete(stop);
    };
    this.#sweepers.add(stop);
    return stop;
  }

  health(): Promise<StoreHealth> {
    return measureHealth("folder", async () => {
      const probe = this.#layout.tmpPath();
      await Deno.writeTextFile(probe, "ok");
      await Deno.remove(probe);
    });
  }

  async close(): Promise<void> {
    for (const stop of [...this.#sweepers]) stop();
    await Promise.allSettled([...this.#running]);
  }

  async #statKey(bucket: string, key: string): Promise<ObjectInfo | null> {
    const path = await this.#layout.existingFile("data", bucket, key);
    if (path === null) return null;
    try {
      return await infoOf(this.#layout, bucket, key, await Deno.stat(path));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return null;
      throw mapFsError(err, key);
    }
  }

  async #requireBucket(bucket: string): Promise<void> {
    if ((await readConfig(this.#layout, bucket)) === null) throw noBucket(bucket);
  }

  /** Unix seconds at which a URL made now for `expiresSeconds` (already checked) expires. */
  #expiry(expiresSeconds: number): number {
    return Math.floor(this.#now() / 1000) + expiresSeconds;
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
