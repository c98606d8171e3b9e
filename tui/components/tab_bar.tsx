/** The row of screen names at the top; the current one is inverted. @module */
import { Box, Text } from "ink";
import { truncate } from "../format.ts";

export interface TabBarProps {
  readonly tabs: readonly string[];
  readonly current: number;
  readonly target: string;
  readonly readOnly: boolean;
  readonly width: number;
}

export function TabBar({ tabs, current, target, readOnly, width }: Readonly<TabBarProps>) {
  const used = tabs.reduce((n, t, i) => n + t.length + 4 + (i > 0 ? 1 : 0), 0);
  const right = truncate(`${readOnly ? "read-only " : ""}${target}`, Math.max(0, width - used - 2));
  return (
    <Box>
      {tabs.map((t, i) => (
        <Text key={t} inverse={i === current} bold={i === current}>
          {`${i > 0 ? " " : ""} ${i + 1} ${t} `}
        </Text>
      ))}
      <Text>{" ".repeat(Math.max(1, width - used - right.length - 1))}</Text>
      <Text dimColor>{right}</Text>
    </Box>
  );
}
