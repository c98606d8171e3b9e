/**
 * Keeps this instance's memo of account state (account_state.ts) in step with the database:
 * LISTENs on ACCOUNTS_CHANNEL, whose messages the triggers of sql/0092-0093 send on every commit that
 * changes an account's state, from any instance or from plain SQL. The memo is trusted only
 * while the listener is connected; a cut empties and disables it until listening again.
 *
 * @module
 */
import type { Logger } from "../../log.ts";
import type { RelationalStore } from "../../stores/relational/port.ts";
import { type AccountMemo, ACCOUNTS_CHANNEL } from "./account_state.ts";

export interface AccountSyncOptions {
  /** How soon a failed first LISTEN is tried again (the adapter retries later cuts itself). */
  retryEveryMs?: number;
}

/** Starts listening; the returned function stops and leaves the memo off. */
export async function startAccountSync(
  deps: { db: RelationalStore; memo: AccountMemo; log: Logger },
  options: AccountSyncOptions = {},
): Promise<() => Promise<void>> {
  const { db, memo, log } = deps;
  let stopped = false;
  let unlisten: (() => Promise<void>) | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const onNotify = (payload: string) => payload === "*" ? memo.dropAll() : memo.drop(payload);

  const listen = async () => {
    retry = undefined;
    try {
      const off = await db.listen(ACCOUNTS_CHANNEL, onNotify, {
        onInterrupted: () => {
          memo.disable();
          log.warn("account change listener cut; account state comes from the database");
        },
        onResumed: () => {
          // Whatever changed while cut was not heard: the memo starts empty again.
          memo.enable();
          log.info("account change listener restored");
        },
      });
      if (stopped) return void await off();
      unlisten = off;
      memo.enable();
    } catch (err) {
      log.warn("cannot listen to account changes; retrying", { error: String(err) });
      if (!stopped) retry = setTimeout(listen, options.retryEveryMs ?? 5_000);
    }
  };

  await listen();
  return async () => {
    stopped = true;
    if (retry !== undefined) clearTimeout(retry);
    memo.disable();
    await unlisten?.();
  };
}
