/** The `?` panel: every global key and every key of the current screen. @module */
import { Box, Text } from "ink";
import type { KeyHint } from "./key_hints.tsx";

export interface HelpOverlayProps {
  readonly screen: string;
  readonly globalKeys: readonly KeyHint[];
  readonly screenKeys: readonly KeyHint[];
}

function Keys({ keys }: Readonly<{ keys: readonly KeyHint[] }>) {
  return (
    <Box flexDirection="column">
      {keys.map((k) => (
        <Text key={k.key + k.label}>
          <Text bold color="cyan">{k.key.padEnd(10)}</Text> {k.label}
        </Text>
      ))}
    </Box>
  );
}

export function HelpOverlay({ screen, globalKeys, screenKeys }: Readonly<HelpOverlayProps>) {
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold>Help: keys (esc or ? closes)</Text>
      <Box gap={4}>
        <Box flexDirection="column">
          <Text underline>everywhere</Text>
          <Keys keys={globalKeys} />
        </Box>
        <Box flexDirection="column">
          <Text underline>{screen}</Text>
          {screenKeys.length === 0
            ? <Text dimColor>(no keys of its own)</Text>
            : <Keys keys={screenKeys} />}
        </Box>
      </Box>
    </Box>
  );
}
