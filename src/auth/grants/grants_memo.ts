/**
 * Grants kept in process for a short while, so a signed-in request usually needs no cache round
 * trip for them. Only trusted while this instance is subscribed to grant changes: a change on any
 * instance drops the entry here (grants_sync.ts), and a cut subscription empties and disables it.
 *
 * @module
 */
import { SyncedMemo } from "../../caching/synced_memo.ts";
import type { Grants } from "./principal.ts";

export const GRANTS_MEMO_TTL_MS = 30_000;

export class GrantsMemo extends SyncedMemo<Grants> {
  constructor() {
    super({ ttlMs: GRANTS_MEMO_TTL_MS, max: 10_000 });
  }
}
