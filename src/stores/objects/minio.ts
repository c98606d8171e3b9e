/**
 * The server objects adapter over npm:minio (MinIO or any S3): every call bounded by a timeout,
 * driver failures mapped to StoreErrors, lifecycle as bucket lifecycle rules, signing by S3
 * itself. Input reaches it checked (checked.ts).
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type { IncomingHttpHeaders } from "node:http";
import { Readable } from "node:stream";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import { Client } from "minio";
import { StoreError } from "../errors.ts";
import { measureHealth, type StoreHealth } from "../health.ts";
import { withTimeout } from "../resilience.ts";
import { checkObjects, type ObjectAdapter } from "./checked.ts";
import { isDriverCode, mapMinioError } from "./minio_errors.ts";
import {
  headerValue,
  infoFromHeaders,
  listedInfo,
  type ListedItem,
  parseLifecycle,
  publicReadPolicy,
  pullFrom,
  STANDARD_HEADERS,
  userMetadata,
} from "./minio_wire.ts";
import { DEFAULT_CONTENT_TYPE, validateBucket } from "./keys.ts";
import type {
  Body,
  LifecycleRule,
  ListOptions,
  ObjectInfo,
  ObjectStore,
  PutOptions,
  SignedPutOptions,
} from "./port.ts";

const PART_SIZE = 8 * 1024 * 1024;

export interface MinioObjectsOptions {
  /** "http://host:port" or "https://host[:port]". */
  endpoint: string;
  accessKey: string;
  secretKey: string;
  region: string;
  /** Bound on every call; streamed uploads are bounded by idle time instead. */
  timeoutMs: number;
}

/** The MinIO adapter: the port plus bucket removal, for tests and operations. */
export interface MinioObjectStore extends ObjectStore {
  readonly adapter: "minio";
  /** Removes a bucket; refused as `conflict` when it holds objects unless `force`. */
  removeBucket(bucket: string, options?: { force?: boolean }): Promise<boolean>;
}

/**
 * Connects to an S3 endpoint and checks it answers (a bucket listing), so an unreachable or
 * misconfigured server fails here as `unavailable` rather than on first use.
 *
 * @example
 * ```ts
 * const objects = await openMinioObjects({
 *   endpoint: "http://127.0.0.1:59000",
 *   accessKey, secretKey, region: "us-east-1", timeoutMs: 5000,
 * });
 * ```
 */
export async function openMinioObjects(opts: MinioObjectsOptions): Promise<MinioObjectStore> {
  let url: URL;
  try {
    url = new URL(opts.endpoint);
  } catch {
    throw new StoreError("invalid", "objects", "S3 endpoint is not a URL", {
      field: "S3_ENDPOINT",
    });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new StoreError("invalid", "objects", "S3 endpoint must be http or https", {
      field: "S3_ENDPOINT",
    });
  }
  const useSSL = url.protocol === "https:";
  const client = new Client({
    endPoint: url.hostname.replace(/^\[|\]$/g, ""),
    port: url.port ? Number(url.port) : useSSL ? 443 : 80,
    useSSL,
    accessKey: opts.accessKey,
    secretKey: opts.secretKey,
    // A fixed region spares a region look-up before every presigned URL.
    region: opts.region,
    pathStyle: true,
    // The driver holds one part in memory while it signs and sends it: 8 MB parts keep a
    // streamed upload's footprint small (S3 allows 10,000 parts, so up to 80 GB).
    partSize: PART_SIZE,
  });
  const store = new MinioStore(client, opts);
  await store.probe();
  return checkObjects(store, {
    removeBucket: (bucket: string, options?: { force?: boolean }) =>
      store.removeBucket(validateBucket(bucket), options),
  }) as MinioObjectStore;
}

class MinioStore implements ObjectAdapter {
  readonly adapter = "minio" as const;
  readonly #client: Client;
  readonly #opts: MinioObjectsOptions;

  constructor(client: Client, opts: MinioObjectsOptions) {
    this.#client = client;
    this.#opts = opts;
  }

  async probe(): Promise<void> {
    await this.#call("connect", () => this.#client.listBuckets());
  }

  async ensureBucket(bucket: string, options?: { publicRead?: boolean }): Promise<void> {
    const exists = await this.#call("bucketExists", () => this.#client.bucketExists(bucket));
    if (!exists) {
      try {
        await this.#call("makeBucket", () => this.#client.makeBucket(bucket, this.#opts.region));
      } catch (err) {
        // Another instance made it first: that is what we wanted.
        if (!(err instanceof StoreError && err.code === "conflict")) throw err;
      }
    }
    if (options?.publicRead !== undefined) {
      const policy = options.publicRead ? JSON.stringify(publicReadPolicy(bucket)) : "";
      await this.#call("setBucketPolicy", () => this.#client.setBucketPolicy(bucket, policy));
    }
  }

  async listBuckets(): Promise<string[]> {
    const list = await this.#call("listBuckets", () => this.#client.listBuckets());
    return list.map((b) => b.name);
  }

  async removeBucket(bucket: string, options?: { force?: boolean }): Promise<boolean> {
    if (!(await this.#call("bucketExists", () => this.#client.bucketExists(bucket)))) return false;
    if (options?.force) {
      for (;;) {
        const page = await this.list(bucket, "", { limit: 1000 });
        if (page.length === 0) break;
        await this.#call(
          "removeObjects",
          () => this.#client.removeObjects(bucket, page.map((o) => o.key)),
        );
      }
    }
    await this.#call("removeBucket", () => this.#client.removeBucket(bucket));
    return true;
  }

  async put(bucket: string, key: string, body: Body, options?: PutOptions): Promise<ObjectInfo> {
    const headers: Record<string, string> = {
      "Content-Type": options?.contentType ?? DEFAULT_CONTENT_TYPE,
    };
    for (const [name, value] of Object.entries(options?.metadata ?? {})) {
      headers[`X-Amz-Meta-${name}`] = value;
    }
    const size = options?.size;
    if (typeof body === "string" || body instanceof Uint8Array) {
      const buf = typeof body === "string"
        ? Buffer.from(body, "utf8")
        : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
      await this.#call(
        "putObject",
        () => this.#client.putObject(bucket, key, buf, buf.length, headers),
      );
    } else {
      await this.#putStream(bucket, key, body, size, headers);
    }
    const info = await this.stat(bucket, key);
    if (info === null) {
      throw new StoreError("unavailable", "objects", `object ${bucket}/${key} vanished after put`);
    }
    return info;
  }

  async get(
    bucket: string,
    key: string,
  ): Promise<{ info: ObjectInfo; body: ReadableStream<Uint8Array> }> {
    const res = await this.#call("getObject", () => this.#client.getObject(bucket, key));
    // The driver hands back the HTTP response itself: its headers describe the object, which
    // spares a second round trip for a stat.
    const headers = (res as Readable & { headers?: IncomingHttpHeaders }).headers;
    let info: ObjectInfo | null = headers ? infoFromHeaders(bucket, key, headers) : null;
    if (info === null) {
      info = await this.stat(bucket, key);
      if (info === null) {
        res.destroy();
        throw new StoreError("not_found", "objects", `object ${bucket}/${key} does not exist`);
      }
    }
    return { info, body: pullFrom(res) };
  }

  async stat(bucket: string, key: string): Promise<ObjectInfo | null> {
    try {
      const st = await this.#call("statObject", () => this.#client.statObject(bucket, key));
      const meta = st.metaData as Record<string, unknown>;
      return {
        bucket,
        key,
        size: st.size,
        content_type: headerValue(meta["content-type"]) ?? DEFAULT_CONTENT_TYPE,
        etag: st.etag,
        last_modified: st.lastModified,
        // The driver strips "x-amz-meta-" and keeps standard headers beside user names; user
        // names can never be standard headers or x-amz-*, so those are what is left out here.
        metadata: userMetadata(
          meta,
          (name) => STANDARD_HEADERS.has(name) || name.startsWith("x-amz-") ? null : name,
        ),
      };
    } catch (err) {
      if (err instanceof StoreError && err.code === "not_found") return null;
      throw err;
    }
  }

  async list(bucket: string, prefix = "", options?: ListOptions): Promise<ObjectInfo[]> {
    const limit = options?.limit ?? 1000;
    const startAfter = options?.startAfter ?? "";
    // MinIO's list-with-metadata returns content types and user metadata in the listing itself,
    // where plain S3 would need a stat per object.
    const stream = this.#client.extensions.listObjectsV2WithMetadata(
      bucket,
      prefix,
      true,
      startAfter,
    ) as unknown as Readable;
    const collect = async () => {
      const out: ObjectInfo[] = [];
      for await (const item of stream as AsyncIterable<ListedItem>) {
        if (item.name === undefined) continue; // a common prefix; none when recursive
        out.push(listedInfo(bucket, item));
        if (out.length >= limit) break;
      }
      return out;
    };
    try {
      return await this.#call("listObjects", collect);
    } finally {
      stream.destroy();
    }
  }

  async remove(bucket: string, key: string): Promise<boolean> {
    // S3 deletes succeed for missing keys, so only a stat can tell whether something was removed.
    if ((await this.stat(bucket, key)) === null) return false;
    await this.#call("removeObject", () => this.#client.removeObject(bucket, key));
    return true;
  }

  async signedGetUrl(bucket: string, key: string, expiresSeconds: number): Promise<string> {
    return await this.#call(
      "presignedGetObject",
      () => this.#client.presignedGetObject(bucket, key, expiresSeconds),
    );
  }

  /**
   * A presigned S3 PUT. S3 signs neither Content-Type nor Content-Length into such a URL, so
   * `contentType` and `maxSize` are checked (checked.ts) but cannot be enforced by the server; callers that
   * need them checked must stat the object after the upload.
   */
  async signedPutUrl(
    bucket: string,
    key: string,
    expiresSeconds: number,
    _options?: SignedPutOptions,
  ): Promise<string> {
    return await this.#call(
      "presignedPutObject",
      () => this.#client.presignedPutObject(bucket, key, expiresSeconds),
    );
  }

  async setLifecycle(bucket: string, rules: readonly LifecycleRule[]): Promise<void> {
    if (rules.length === 0) {
      await this.#call("removeBucketLifecycle", () => this.#client.removeBucketLifecycle(bucket));
      return;
    }
    const config = {
      Rule: rules.map((r, i) => ({
        ID: `expire-${i + 1}`,
        Status: "Enabled",
        Filter: { Prefix: r.prefix },
        Expiration: { Days: r.expireDays },
      })),
    };
    await this.#call("setBucketLifecycle", () => this.#client.setBucketLifecycle(bucket, config));
  }

  async getLifecycle(bucket: string): Promise<LifecycleRule[]> {
    let config: unknown;
    try {
      config = await this.#call(
        "getBucketLifecycle",
        () => this.#client.getBucketLifecycle(bucket),
      );
    } catch (err) {
      if (isDriverCode(err, "NoSuchLifecycleConfiguration")) return [];
      throw err;
    }
    return parseLifecycle(config);
  }

  health(): Promise<StoreHealth> {
    return measureHealth("minio", () => this.#call("health", () => this.#client.listBuckets()));
  }

  close(): Promise<void> {
    // The driver holds no pool to drain; keep-alive sockets close with the process.
    return Promise.resolve();
  }

  /** Uploads a caller's stream, giving up when no bytes move for `timeoutMs`. */
  async #putStream(
    bucket: string,
    key: string,
    body: ReadableStream<Uint8Array>,
    size: number | undefined,
    headers: Record<string, string>,
  ): Promise<void> {
    let last = performance.now();
    const watched = body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, ctl) {
          last = performance.now();
          ctl.enqueue(chunk);
        },
      }),
    );
    const source = Readable.fromWeb(watched as unknown as NodeWebStream<Uint8Array>);
    const ms = this.#opts.timeoutMs;
    let timer: ReturnType<typeof setInterval> | undefined;
    const idle = new Promise<never>((_, reject) => {
      timer = setInterval(() => {
        if (performance.now() - last > ms) {
          source.destroy();
          reject(new StoreError("timeout", "objects", `objects putObject idle for ${ms} ms`));
        }
      }, Math.max(50, Math.min(1000, ms / 4)));
    });
    // The caller's stream failing (a client gone) ends the upload with that error; the driver
    // does not always pass it on, and an unheard 'error' event would crash the process.
    const failed = new Promise<never>((_, reject) => source.once("error", reject));
    try {
      await Promise.race([
        this.#client.putObject(bucket, key, source, size, headers).catch((err) => {
          throw mapMinioError(err, "putObject");
        }),
        idle,
        failed,
      ]);
    } finally {
      clearInterval(timer);
    }
  }

  /** Runs one driver call under the timeout, mapping its failure. */
  async #call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await withTimeout("objects", this.#opts.timeoutMs, fn(), what);
    } catch (err) {
      throw mapMinioError(err, what);
    }
  }
}

export { mapMinioError };
