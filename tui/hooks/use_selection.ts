/** A cursor over a list: arrows move it, and it stays inside the list as the list changes. @module */
import { useState } from "react";

export interface Selection {
  readonly index: number;
  readonly move: (delta: number) => void;
  readonly set: (i: number) => void;
}

export function useSelection(length: number): Selection {
  const [raw, setRaw] = useState(0);
  const index = length === 0 ? 0 : Math.min(raw, length - 1);
  return {
    index,
    move: (delta) => setRaw(() => Math.max(0, Math.min(Math.max(0, length - 1), index + delta))),
    set: (i) => setRaw(Math.max(0, i)),
  };
}
