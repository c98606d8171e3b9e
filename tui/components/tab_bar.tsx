/** The row of screen names at the top; the current one is inverted. @module */
import { Box, Text } from "ink";

export interface TabBarProps {
  readonly tabs: readonly string[];
  readonly current: number;
  readonly target: string;
  readonly readOnly: boolean;
}

export function TabBar({ tabs, current, target, readOnly }: Readonly<TabBarProps>) {
  return (
    <Box justifyContent="space-between">
      <Box gap={1}>
        {tabs.map((t, i) => (
          <Text key={t} inverse={i === current} bold={i === current}>
            {` ${i + 1} ${t} `}
          </Text>
        ))}
      </Box>
      <Text dimColor>{readOnly ? "read-only " : ""}{target}</Text>
    </Box>
  );
}
