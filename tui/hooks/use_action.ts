/**
 * Runs one operator action at a time and turns its outcome into a message line: busy while it
 * runs, the result's summary when done, the reason when it fails. @module
 */
import { useCallback, useRef, useState } from "react";
import type { Message } from "../components/message_line.tsx";
import { reason } from "../format.ts";

export interface Action {
  readonly busy: boolean;
  readonly message: Message | null;
  readonly setMessage: (m: Message | null) => void;
  /** Runs `fn` unless another action runs; `done` turns its result into the note shown. */
  readonly run: <T>(label: string, fn: () => Promise<T>, done: (v: T) => string) => Promise<void>;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message | null>(null);
  const running = useRef(false);
  const run = useCallback(
    async <T>(label: string, fn: () => Promise<T>, done: (v: T) => string) => {
      if (running.current) return;
      running.current = true;
      setBusy(true);
      setMessage({ kind: "busy", text: `${label}…` });
      try {
        const v = await fn();
        setMessage({ kind: "info", text: done(v) });
      } catch (err) {
        setMessage({ kind: "error", text: `${label}: ${reason(err)}` });
      } finally {
        running.current = false;
        setBusy(false);
      }
    },
    [],
  );
  return { busy, message, setMessage, run };
}
