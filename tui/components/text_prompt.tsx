/** A one-line text input: enter submits, esc cancels, backspace edits. Owns the keyboard. @module */
import { Text, useInput } from "ink";
import { useState } from "react";
import { useCaptureKeys } from "../hooks/use_key_capture.ts";

export interface TextPromptProps {
  readonly label: string;
  readonly initial?: string;
  readonly onSubmit: (value: string) => void;
  readonly onCancel: () => void;
}

export function TextPrompt({ label, initial = "", onSubmit, onCancel }: Readonly<TextPromptProps>) {
  useCaptureKeys();
  const [value, setValue] = useState(initial);
  useInput((input, key) => {
    if (key.escape) onCancel();
    else if (key.return) onSubmit(value);
    else if (key.backspace || key.delete) setValue((v) => v.slice(0, -1));
    else if (!key.ctrl && !key.meta && !key.tab && !key.upArrow && !key.downArrow && input) {
      setValue((v) => v + input);
    }
  });
  return (
    <Text>
      <Text color="yellow">{label}</Text> {value}
      <Text inverse></Text>
    </Text>
  );
}
