/** A y/n question for small, reversible-looking steps; owns the keyboard while shown. @module */
import { Box, Text, useInput } from "ink";
import { useCaptureKeys } from "../hooks/use_key_capture.ts";

export interface YesNoProps {
  readonly lines: readonly string[];
  readonly onYes: () => void;
  readonly onNo: () => void;
}

export function YesNo({ lines, onYes, onNo }: Readonly<YesNoProps>) {
  useCaptureKeys();
  useInput((input, key) => {
    if (input === "y" || input === "Y") onYes();
    else if (input === "n" || input === "N" || key.escape) onNo();
  });
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="yellow" paddingX={1}>
      {lines.map((l, i) => <Text key={i}>{l}</Text>)}
      <Text>
        <Text bold>y</Text> yes, <Text bold>n</Text>/esc no
      </Text>
    </Box>
  );
}
