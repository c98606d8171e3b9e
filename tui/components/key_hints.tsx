/** The footer: the keys that work right now, plus the filter when one is set. @module */
import { Box, Text } from "ink";

export interface KeyHint {
  readonly key: string;
  readonly label: string;
}

export interface KeyHintsProps {
  readonly hints: readonly KeyHint[];
  readonly filter: string;
}

export function KeyHints({ hints, filter }: Readonly<KeyHintsProps>) {
  return (
    <Box flexDirection="column">
      {filter !== "" && <Text color="yellow">filter: {filter}</Text>}
      <Text wrap="wrap">
        {hints.map((h, i) => (
          <Text key={h.key + h.label}>
            {i > 0 ? "  " : ""}
            <Text bold color="cyan">{h.key}</Text> {h.label}
          </Text>
        ))}
      </Text>
    </Box>
  );
}
