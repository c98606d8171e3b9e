/**
 * Optional capabilities some object adapters add to the port, each with one type guard, so callers
 * ask "can this store do X" instead of testing adapter names or poking at methods.
 *
 * @module
 */
import type { ObjectStore } from "./port.ts";
import type { GrantCheck, SignedRequest } from "./signing.ts";

/**
 * Signed URLs that the API itself must serve (the folder adapter; S3 serves its own): the store
 * checks a request's signature, and says which buckets anyone may read.
 */
export interface LocalSigning {
  /** Checks a request for a signed URL against its signature, method and expiry. */
  verifySignedRequest(req: SignedRequest): Promise<GrantCheck>;
  /** Whether the bucket was made public-read (serving anonymous reads is the API's concern). */
  isPublicRead(bucket: string): Promise<boolean>;
}

/** Lifecycle rules applied by the application (the folder adapter); S3 applies its own. */
export interface LifecycleSweep {
  /** Removes objects older than their bucket's lifecycle rules as of `now`; returns how many. */
  sweep(now?: Date): Promise<number>;
}

/** True when the API must serve this store's signed URLs. */
export function hasLocalSigning(store: ObjectStore): store is ObjectStore & LocalSigning {
  const s = store as ObjectStore & Partial<LocalSigning>;
  return typeof s.verifySignedRequest === "function" && typeof s.isPublicRead === "function";
}

/** True when lifecycle rules only take effect through the application's sweep. */
export function hasLifecycleSweep(store: ObjectStore): store is ObjectStore & LifecycleSweep {
  return typeof (store as ObjectStore & Partial<LifecycleSweep>).sweep === "function";
}
