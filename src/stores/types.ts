/**
 * The Stores bundle: one adapter per role, passed to every service and route module.
 *
 * @module
 */
import type { CacheStore } from "./cache/port.ts";
import type { DocumentStore } from "./documents/port.ts";
import type { GraphStore } from "./graph/port.ts";
import type { ObjectStore } from "./objects/port.ts";
import type { RelationalStore } from "./relational/port.ts";

export interface Stores {
  relational: RelationalStore;
  documents: DocumentStore;
  graph: GraphStore;
  cache: CacheStore;
  objects: ObjectStore;
}

export const STORE_ROLES = ["relational", "documents", "graph", "cache", "objects"] as const;
