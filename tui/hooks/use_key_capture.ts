/**
 * While a prompt is open it owns the keyboard: global keys (q, tab, digits) and the screen's own
 * keys pause until it closes, so typing "q" into a filter never quits. @module
 */
import {
  createContext,
  createElement,
  type ReactNode,
  useContext,
  useEffect,
  useState,
} from "react";

interface CaptureState {
  readonly captured: boolean;
  readonly setCount: (f: (n: number) => number) => void;
}

const CaptureContext = createContext<CaptureState>({ captured: false, setCount: () => {} });

export function KeyCaptureProvider({ children }: { readonly children: ReactNode }) {
  const [count, setCount] = useState(0);
  return createElement(
    CaptureContext.Provider,
    { value: { captured: count > 0, setCount } },
    children,
  );
}

/** True while any prompt holds the keyboard. */
export function useKeysCaptured(): boolean {
  return useContext(CaptureContext).captured;
}

/** Holds the keyboard for as long as the calling component is mounted. */
export function useCaptureKeys(): void {
  const { setCount } = useContext(CaptureContext);
  useEffect(() => {
    setCount((n) => n + 1);
    return () => setCount((n) => n - 1);
  }, [setCount]);
}
