/** One line of feedback under a screen: an error in red with its reason, or a note. @module */
import { Text } from "ink";

export interface Message {
  readonly kind: "info" | "error" | "busy";
  readonly text: string;
}

export function MessageLine({ message }: Readonly<{ message: Message | null }>) {
  if (message === null) return <Text></Text>;
  const color = message.kind === "error" ? "red" : message.kind === "busy" ? "yellow" : "green";
  return (
    <Text color={color} wrap="truncate-end">
      {message.kind === "error" ? "error: " : ""}
      {message.text}
    </Text>
  );
}
