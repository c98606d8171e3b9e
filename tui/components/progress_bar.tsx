/** A fixed-width progress bar with "done/total"; an unknown total shows only the count. @module */
import { Text } from "ink";

/** The bar's characters for done of total in `width` cells. */
export function progressCells(done: number, total: number | null, width: number): string {
  if (total === null || total <= 0) return (done > 0 && total === 0 ? "█" : "░").repeat(width);
  const filled = Math.max(0, Math.min(width, Math.round((done / total) * width)));
  return "█".repeat(filled) + "░".repeat(width - filled);
}

export interface ProgressBarProps {
  readonly label: string;
  readonly done: number;
  readonly total: number | null;
  readonly state: "pending" | "running" | "done" | "failed";
  readonly width?: number;
}

export function ProgressBar(
  { label, done, total, state, width = 30 }: Readonly<ProgressBarProps>,
) {
  const color = state === "failed" ? "red" : state === "done" ? "green" : "yellow";
  const count = total === null ? `${done}` : `${done}/${total}`;
  return (
    <Text>
      {label.padEnd(12)}{" "}
      <Text color={color}>
        {state === "done" ? "█".repeat(width) : progressCells(done, total, width)}
      </Text>{" "}
      {count} <Text color={color}>{state}</Text>
    </Text>
  );
}
