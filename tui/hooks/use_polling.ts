/**
 * Loads data now, again every `intervalMs` (0: only on demand) and whenever `tick` changes (the
 * `r` key). A failed load keeps the last good data and shows the reason; the TUI keeps going. @module
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { reason } from "../format.ts";

export interface Polled<T> {
  readonly data: T | null;
  readonly error: string | null;
  readonly loading: boolean;
  /** When the last good load finished (ms since epoch), null before the first. */
  readonly at: number | null;
  readonly reload: () => void;
}

export function usePolling<T>(
  load: () => Promise<T>,
  intervalMs: number,
  tick: number | string,
  active = true,
): Polled<T> {
  const [state, setState] = useState<{ data: T | null; error: string | null; at: number | null }>(
    { data: null, error: null, at: null },
  );
  const [loading, setLoading] = useState(false);
  const loadRef = useRef(load);
  loadRef.current = load;
  const inFlight = useRef(false);
  const mounted = useRef(true);
  const [manual, setManual] = useState(0);

  const run = useCallback(async () => {
    if (inFlight.current) return;
    inFlight.current = true;
    setLoading(true);
    try {
      const data = await loadRef.current();
      if (mounted.current) setState({ data, error: null, at: Date.now() });
    } catch (err) {
      if (mounted.current) setState((s) => ({ ...s, error: reason(err) }));
    } finally {
      inFlight.current = false;
      if (mounted.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  useEffect(() => {
    if (!active) return;
    void run();
    if (intervalMs <= 0) return;
    const timer = setInterval(() => void run(), intervalMs);
    return () => clearInterval(timer);
  }, [run, intervalMs, tick, manual, active]);

  const reload = useCallback(() => setManual((n) => n + 1), []);
  return { ...state, loading, reload };
}
