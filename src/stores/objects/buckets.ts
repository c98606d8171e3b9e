// The standard buckets of design section 3 (seed 004 section 8): who may read them and how long
// their objects live. `ensureStandardBuckets` makes a store match this table on start-up.
import type { LifecycleRule, ObjectStore } from "./port.ts";

/** One bucket the application relies on. */
export interface StandardBucket {
  name: string;
  /** Anyone may read objects (profile pictures); every other bucket needs a signed URL. */
  publicRead: boolean;
  /** Automatic deletion; empty means objects are kept until the application removes them. */
  lifecycle: readonly LifecycleRule[];
  /** How long the content must or may live, as the seed states it. */
  retention: string;
}

/**
 * The buckets. Contracts (10 years) and receipts (5 years) have legal minimum retention, not
 * expiry: they get no lifecycle rule, since deleting them automatically is what the law forbids.
 * A rule's prefix is "" because each bucket holds one kind of content; the seed's "exports/"
 * style prefixes date from a single-bucket layout.
 */
export const STANDARD_BUCKETS: readonly StandardBucket[] = [
  { name: "avatars", publicRead: true, lifecycle: [], retention: "indefinite" },
  { name: "contracts", publicRead: false, lifecycle: [], retention: "at least 10 years (legal)" },
  { name: "receipts", publicRead: false, lifecycle: [], retention: "at least 5 years (tax)" },
  { name: "content", publicRead: false, lifecycle: [], retention: "tied to its project" },
  {
    name: "exports",
    publicRead: false,
    lifecycle: [{ prefix: "", expireDays: 30 }],
    retention: "30 days",
  },
  {
    name: "backups",
    publicRead: false,
    // Backup runs rotate after 90 days; archived partitions (`partitions/…`) follow their own
    // cold retention (src/ops/partitions.ts), which is longer.
    lifecycle: [{ prefix: "backups/", expireDays: 90 }],
    retention: "90 days (rotation)",
  },
  {
    name: "temp",
    publicRead: false,
    lifecycle: [{ prefix: "", expireDays: 1 }],
    retention: "1 day",
  },
];

/**
 * Creates any missing standard bucket and sets its access and lifecycle rules. Safe to run on
 * every start: it only rewrites what the table says.
 */
export async function ensureStandardBuckets(store: ObjectStore): Promise<void> {
  for (const b of STANDARD_BUCKETS) {
    await store.ensureBucket(b.name, { publicRead: b.publicRead });
    await store.setLifecycle(b.name, b.lifecycle);
  }
}
