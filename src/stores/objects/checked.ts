/**
 * The one place object-store input is checked: bucket names, keys, prefixes, limits, metadata,
 * content types, sizes, expiries and lifecycle rules are validated here once, for every adapter,
 * and a failure that is not already a StoreError becomes an `unavailable` one. Adapters receive
 * only clean, normalised arguments (content type and metadata always set) and do not re-check.
 *
 * @module
 */
import { StoreError } from "../errors.ts";
import type { StoreHealth } from "../health.ts";
import {
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

/**
 * What an adapter implements: the port, called only with checked arguments. `put` always gets
 * `contentType` and `metadata`; `list` always gets a prefix and a limit.
 */
export type ObjectAdapter = ObjectStore;

/**
 * Wraps `inner` so that every call is checked first; `extras` (an adapter's own capabilities,
 * already safe) are copied onto the result.
 *
 * @example
 * ```ts
 * const store = checkObjects(new SomeAdapter(), { sweep: (now?: Date) => adapter.sweep(now) });
 * await store.put("temp", "../x", "y"); // throws StoreError("invalid") before the adapter runs
 * ```
 */
export function checkObjects<E extends object>(
  inner: ObjectAdapter,
  extras?: E,
): ObjectStore & E {
  return Object.assign(new CheckedObjectStore(inner), extras) as ObjectStore & E;
}

class CheckedObjectStore implements ObjectStore {
  readonly adapter: string;
  readonly #inner: ObjectAdapter;

  constructor(inner: ObjectAdapter) {
    this.#inner = inner;
    this.adapter = inner.adapter;
  }

  ensureBucket(bucket: string, options?: { publicRead?: boolean }): Promise<void> {
    return run("ensureBucket", () => this.#inner.ensureBucket(validateBucket(bucket), options));
  }

  listBuckets(): Promise<string[]> {
    return run("listBuckets", async () => (await this.#inner.listBuckets()).sort());
  }

  put(bucket: string, key: string, body: Body, options?: PutOptions): Promise<ObjectInfo> {
    let bodyError: { error: unknown } | undefined;
    return run("put", () => {
      validateBucket(bucket);
      validateKey(key);
      const clean: PutOptions = {
        contentType: validateContentType(options?.contentType),
        metadata: validateMetadata(options?.metadata),
      };
      const size = options?.size;
      if (size !== undefined) {
        if (!Number.isSafeInteger(size) || size < 0) {
          throw invalid("size must be a whole number of bytes", "size");
        }
        clean.size = size;
      }
      let sent = body;
      if (body instanceof ReadableStream) {
        // The caller's own stream errors (a size limit it enforces, a client gone) come back
        // unchanged, whatever the adapter wrapped them in.
        sent = watchErrors(body, (error) => bodyError = { error });
      } else if (typeof body !== "string" && !(body instanceof Uint8Array)) {
        throw invalid("body must be a string, bytes or a stream of bytes", "body");
      }
      return this.#inner.put(bucket, key, sent, clean);
    }, (err) => {
      if (bodyError === undefined) return undefined;
      const cause = (err as { cause?: unknown })?.cause;
      return err === bodyError.error || cause === bodyError.error ? bodyError.error : undefined;
    });
  }

  get(
    bucket: string,
    key: string,
  ): Promise<{ info: ObjectInfo; body: ReadableStream<Uint8Array> }> {
    return run("get", () => this.#inner.get(validateBucket(bucket), validateKey(key)));
  }

  stat(bucket: string, key: string): Promise<ObjectInfo | null> {
    return run("stat", () => this.#inner.stat(validateBucket(bucket), validateKey(key)));
  }

  list(bucket: string, prefix = "", options?: ListOptions): Promise<ObjectInfo[]> {
    return run("list", () => {
      validateBucket(bucket);
      validatePrefix(prefix);
      const clean: ListOptions = { limit: validateLimit(options?.limit) };
      if (options?.startAfter !== undefined) {
        if (typeof options.startAfter !== "string") {
          throw invalid("startAfter must be a string", "startAfter");
        }
        clean.startAfter = options.startAfter;
      }
      return this.#inner.list(bucket, prefix, clean);
    });
  }

  remove(bucket: string, key: string): Promise<boolean> {
    return run("remove", () => this.#inner.remove(validateBucket(bucket), validateKey(key)));
  }

  signedGetUrl(bucket: string, key: string, expiresSeconds: number): Promise<string> {
    return run("signedGetUrl", () =>
      this.#inner.signedGetUrl(
        validateBucket(bucket),
        validateKey(key),
        validateExpiry(expiresSeconds),
      ));
  }

  signedPutUrl(
    bucket: string,
    key: string,
    expiresSeconds: number,
    options?: SignedPutOptions,
  ): Promise<string> {
    return run("signedPutUrl", () => {
      validateBucket(bucket);
      validateKey(key);
      validateExpiry(expiresSeconds);
      const clean: SignedPutOptions = {};
      if (options?.contentType !== undefined) {
        clean.contentType = validateContentType(options.contentType);
      }
      if (options?.maxSize !== undefined) {
        if (!Number.isSafeInteger(options.maxSize) || options.maxSize < 0) {
          throw invalid("maxSize must be a whole number of bytes", "maxSize");
        }
        clean.maxSize = options.maxSize;
      }
      return this.#inner.signedPutUrl(bucket, key, expiresSeconds, clean);
    });
  }

  setLifecycle(bucket: string, rules: readonly LifecycleRule[]): Promise<void> {
    return run("setLifecycle", () => {
      validateBucket(bucket);
      return this.#inner.setLifecycle(bucket, validateRules(rules));
    });
  }

  getLifecycle(bucket: string): Promise<LifecycleRule[]> {
    return run(
      "getLifecycle",
      async () => sortRules(await this.#inner.getLifecycle(validateBucket(bucket))),
    );
  }

  health(): Promise<StoreHealth> {
    return this.#inner.health();
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}

function invalid(message: string, field: string): StoreError {
  return new StoreError("invalid", "objects", message, { field });
}

/**
 * Runs one call: StoreErrors pass, anything else becomes `unavailable` (with its cause), except
 * what `passThrough` says is the caller's own error.
 */
async function run<T>(
  what: string,
  fn: () => Promise<T>,
  passThrough?: (err: unknown) => unknown,
): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const own = passThrough?.(err);
    if (own !== undefined) throw own;
    if (err instanceof StoreError) throw err;
    const msg = err instanceof Error ? err.message : String(err);
    throw new StoreError("unavailable", "objects", `objects ${what} failed: ${msg}`.slice(0, 300), {
      cause: err,
    });
  }
}

/** The same bytes as `source`, reporting the error `source` itself fails with. */
function watchErrors(
  source: ReadableStream<Uint8Array>,
  onError: (err: unknown) => void,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(ctl) {
      let step: ReadableStreamReadResult<Uint8Array>;
      try {
        step = await reader.read();
      } catch (err) {
        onError(err);
        throw err;
      }
      if (step.done) ctl.close();
      else ctl.enqueue(step.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}
