/**
 * Partitions: every partition with its range, rows and size (rows stuck in a default partition
 * stand out); ensure months ahead; archive, which always shows the dry run first and then needs
 * the word "archive" typed. @module
 */
import { Box, Text } from "ink";
import { useState } from "react";
import { MessageLine } from "../components/message_line.tsx";
import { TextPrompt } from "../components/text_prompt.tsx";
import { TypedConfirm } from "../components/typed_confirm.tsx";
import { fit, formatBytes } from "../format.ts";
import { useAction } from "../hooks/use_action.ts";
import { usePolling } from "../hooks/use_polling.ts";
import { useSelection } from "../hooks/use_selection.ts";
import type { ArchivePlan } from "../ops_client.ts";
import { matchesFilter, type ScreenKey, type ScreenProps, useScreenKeys } from "./screen.ts";

export const PARTITION_KEYS: readonly ScreenKey[] = [
  { key: "↑↓", label: "select" },
  { key: "e", label: "ensure months ahead", changes: true },
  { key: "a", label: "archive (dry run first)", changes: true },
];

type Mode = { kind: "list" } | { kind: "ensure" } | { kind: "confirm"; plan: ArchivePlan };

export function PartitionsScreen(props: Readonly<ScreenProps>) {
  const { client, active, readOnly, filter, tick } = props;
  const [reload, setReload] = useState(0);
  const list = usePolling(() => client.listPartitions(), 0, `${tick}|${reload}`, active);
  const rows = (list.data ?? []).filter((p) => matchesFilter(`${p.table} ${p.name}`, filter));
  const sel = useSelection(rows.length);
  const [mode, setMode] = useState<Mode>({ kind: "list" });
  const action = useAction();
  const visible = Math.max(3, props.rows - 10);
  const first = Math.max(0, Math.min(sel.index - visible + 1, rows.length - visible));

  useScreenKeys((input, key) => {
    if (key.upArrow || input === "k") sel.move(-1);
    else if (key.downArrow || input === "j") sel.move(1);
    else if (input === "e" && !readOnly) setMode({ kind: "ensure" });
    else if (input === "a" && !readOnly) {
      void action.run(
        "archive dry run",
        () => client.archivePartitions({ dryRun: true }),
        (plan) => {
          if (plan.partitions.length === 0) {
            return `dry run: nothing to archive${
              plan.refused.length ? `; ${plan.refused.length} refused` : ""
            }`;
          }
          setMode({ kind: "confirm", plan });
          return `dry run: ${plan.partitions.length} partition(s) would be archived and dropped`;
        },
      );
    }
  }, active && mode.kind === "list");

  if (!active) return null;
  const defaultRows = rows.filter((p) => p.is_default).reduce((n, p) => n + p.rows, 0);
  return (
    <Box flexDirection="column">
      <Text bold>
        {"  "}
        {fit("partition", 28)} {fit("range", 23)} {fit("rows", 9, "right")}{" "}
        {fit("size", 10, "right")}
      </Text>
      {rows.length === 0 && <Text dimColor>{list.loading ? "loading…" : "  no partitions"}</Text>}
      {rows.slice(first, first + visible).map((p, j) => {
        const i = first + j;
        const range = p.is_default ? "DEFAULT" : `${p.from?.slice(0, 10)}..${p.to?.slice(0, 10)}`;
        return (
          <Text key={p.name} inverse={i === sel.index}>
            {i === sel.index ? "› " : "  "}
            {fit(p.name, 28)}{" "}
            <Text color={p.is_default && p.rows > 0 ? "red" : undefined}>{fit(range, 23)}</Text>
            {" "}
            {fit(String(p.rows), 9, "right")} {fit(formatBytes(p.size_bytes), 10, "right")}
          </Text>
        );
      })}
      <Text dimColor>
        {rows.length} partition(s) · rows waiting in default partitions:{" "}
        <Text color={defaultRows > 0 ? "red" : "green"}>{defaultRows}</Text>
      </Text>
      {mode.kind === "ensure" && (
        <TextPrompt
          label="months ahead:"
          initial="6"
          onCancel={() => setMode({ kind: "list" })}
          onSubmit={(v) => {
            setMode({ kind: "list" });
            const n = Number(v.trim());
            if (!Number.isInteger(n) || n < 0 || n > 36) {
              action.setMessage({ kind: "error", text: "months ahead must be 0 to 36" });
              return;
            }
            void action.run("ensure partitions", () => client.ensurePartitions(n), (made) => {
              setReload((r) => r + 1);
              return made.length === 0
                ? `every month up to ${n} ahead already exists`
                : `created ${made.length}: ${made.join(", ")}`;
            });
          }}
        />
      )}
      {mode.kind === "confirm" && (
        <TypedConfirm
          lines={[
            "Dry run: these partitions would be archived to the backups bucket, then dropped:",
            ...mode.plan.partitions.slice(0, 6).map((p) => `  ${p.name} (${p.rows} rows)`),
            ...mode.plan.refused.slice(0, 3).map((r) => `  refused ${r.name}: ${r.reason}`),
          ]}
          expected="archive"
          onCancel={() => setMode({ kind: "list" })}
          onConfirm={() => {
            setMode({ kind: "list" });
            void action.run("archive", () => client.archivePartitions({ dryRun: false }), (p) => {
              setReload((r) => r + 1);
              return `archived and dropped ${p.partitions.length} partition(s)`;
            });
          }}
        />
      )}
      <MessageLine
        message={action.message ?? (list.error ? { kind: "error", text: list.error } : null)}
      />
    </Box>
  );
}
