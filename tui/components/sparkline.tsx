/** A one-line chart of recent values; gaps (a store that was down) show as a red "×". @module */
import { Text } from "ink";

const BARS = "▁▂▃▄▅▆▇█";

/** Characters for `values` (null = no answer), scaled between their min and max. */
export function sparkline(values: readonly (number | null)[], width: number): string {
  const tail = values.slice(-width);
  const nums = tail.filter((v): v is number => v !== null && Number.isFinite(v));
  if (nums.length === 0) return tail.map(() => "×").join("");
  const min = Math.min(...nums);
  const max = Math.max(...nums);
  const span = max - min;
  return tail.map((v) => {
    if (v === null || !Number.isFinite(v)) return "×";
    const i = span === 0 ? 0 : Math.round(((v - min) / span) * (BARS.length - 1));
    return BARS[i];
  }).join("");
}

export interface SparklineProps {
  readonly values: readonly (number | null)[];
  readonly width: number;
}

export function Sparkline({ values, width }: Readonly<SparklineProps>) {
  const down = values.length > 0 && values[values.length - 1] === null;
  return <Text color={down ? "red" : "cyan"}>{sparkline(values, width).padEnd(width)}</Text>;
}
