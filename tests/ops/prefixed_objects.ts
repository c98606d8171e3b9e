/**
 * An ObjectStore whose bucket names all carry a prefix: a fresh, separate set of buckets in the
 * shared MinIO for a restore target, so tests never touch the shared buckets' contents.
 *
 * @module
 */
import type { ObjectInfo, ObjectStore } from "../../src/stores/objects/port.ts";

export interface PrefixedObjectStore extends ObjectStore {
  /** Removes every object in the prefixed buckets (the buckets stay, empty). */
  removeAll(): Promise<void>;
}

export function prefixedObjects(inner: ObjectStore, prefix: string): PrefixedObjectStore {
  const b = (bucket: string) => `${prefix}${bucket}`;
  const back = (info: ObjectInfo): ObjectInfo => ({
    ...info,
    bucket: info.bucket.slice(prefix.length),
  });
  const store: PrefixedObjectStore = {
    adapter: inner.adapter,
    ensureBucket: (bucket, options) => inner.ensureBucket(b(bucket), options),
    async listBuckets() {
      return (await inner.listBuckets()).filter((n) => n.startsWith(prefix)).map((n) =>
        n.slice(prefix.length)
      );
    },
    put: async (bucket, key, body, options) => back(await inner.put(b(bucket), key, body, options)),
    async get(bucket, key) {
      const r = await inner.get(b(bucket), key);
      return { info: back(r.info), body: r.body };
    },
    async stat(bucket, key) {
      const info = await inner.stat(b(bucket), key);
      return info && back(info);
    },
    list: async (bucket, p, options) => (await inner.list(b(bucket), p, options)).map(back),
    remove: (bucket, key) => inner.remove(b(bucket), key),
    signedGetUrl: (bucket, key, s) => inner.signedGetUrl(b(bucket), key, s),
    signedPutUrl: (bucket, key, s, o) => inner.signedPutUrl(b(bucket), key, s, o),
    setLifecycle: (bucket, rules) => inner.setLifecycle(b(bucket), rules),
    getLifecycle: (bucket) => inner.getLifecycle(b(bucket)),
    health: () => inner.health(),
    close: () => inner.close(),
    async removeAll() {
      for (const bucket of await store.listBuckets()) {
        while (true) {
          const page = await inner.list(b(bucket), "", { limit: 1000 });
          if (page.length === 0) break;
          for (const o of page) await inner.remove(b(bucket), o.key);
        }
      }
    },
  };
  return store;
}
