/**
 * A confirmation for destructive actions: the operator types `expected` back (a backup id, the
 * word "archive", a count) and only an exact match confirms. @module
 */
import { Box, Text } from "ink";
import { useState } from "react";
import { TextPrompt } from "./text_prompt.tsx";

export interface TypedConfirmProps {
  readonly lines: readonly string[];
  readonly expected: string;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
}

export function TypedConfirm(
  { lines, expected, onConfirm, onCancel }: Readonly<TypedConfirmProps>,
) {
  const [mismatch, setMismatch] = useState(false);
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="red" paddingX={1}>
      {lines.map((l, i) => <Text key={i}>{l}</Text>)}
      <Text>
        Type <Text bold>{expected}</Text> to confirm, esc to cancel.
      </Text>
      {mismatch && <Text color="red">does not match; nothing done</Text>}
      <TextPrompt
        label=">"
        onCancel={onCancel}
        onSubmit={(v) => {
          if (v.trim() === expected) onConfirm();
          else setMismatch(true);
        }}
      />
    </Box>
  );
}
