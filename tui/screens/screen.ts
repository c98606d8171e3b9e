/** What every screen receives from the app shell, and how it declares its keys. @module */
import { type Key, useInput } from "ink";
import type { KeyHint } from "../components/key_hints.tsx";
import { useKeysCaptured } from "../hooks/use_key_capture.ts";
import type { OpsClient } from "../ops_client.ts";

export interface ScreenProps {
  readonly client: OpsClient;
  /** False while another screen shows or the help panel is open. */
  readonly active: boolean;
  readonly readOnly: boolean;
  /** The `/` filter for this screen; it stays set until changed. */
  readonly filter: string;
  /** Bumped by the `r` key: reload now. */
  readonly tick: number;
  readonly refreshMs: number;
  /** Rows available for the screen's list (terminal height minus chrome). */
  readonly rows: number;
  readonly columns: number;
}

/** A key a screen handles; `changes` keys are hidden by --read-only. */
export interface ScreenKey extends KeyHint {
  readonly changes?: boolean;
}

/** The keys to show for a screen in the footer and help. */
export function visibleKeys(keys: readonly ScreenKey[], readOnly: boolean): KeyHint[] {
  return keys.filter((k) => !(readOnly && k.changes));
}

/** The screen's key handler, paused while inactive or while a prompt holds the keyboard. */
export function useScreenKeys(
  handler: (input: string, key: Key) => void,
  active: boolean,
): void {
  const captured = useKeysCaptured();
  useInput(handler, { isActive: active && !captured });
}

/** Whether `text` matches the `/` filter (case-insensitive substring; empty matches all). */
export function matchesFilter(text: string, filter: string): boolean {
  return filter === "" || text.toLowerCase().includes(filter.toLowerCase());
}
