/**
 * Consistency: the outbox backlog and its lag, the drift between insight documents and graph
 * nodes, and a repair action. Without the insights service it says so and offers nothing.
 * @module
 */
import { Box, Text } from "ink";
import { useState } from "react";
import { MessageLine } from "../components/message_line.tsx";
import { YesNo } from "../components/yes_no.tsx";
import { formatDuration } from "../format.ts";
import { useAction } from "../hooks/use_action.ts";
import { usePolling } from "../hooks/use_polling.ts";
import type { ConsistencyReport } from "../ops_client.ts";
import { type ScreenKey, type ScreenProps, useScreenKeys } from "./screen.ts";

export const CONSISTENCY_KEYS: readonly ScreenKey[] = [
  { key: "x", label: "repair drift", changes: true },
];

function Ids({ label, ids }: Readonly<{ label: string; ids: readonly string[] }>) {
  return (
    <Text wrap="truncate-end">
      {label.padEnd(22)}
      <Text color={ids.length > 0 ? "red" : "green"}>{String(ids.length).padStart(6)}</Text>
      {ids.length > 0 ? `  ${ids.slice(0, 3).join(", ")}${ids.length > 3 ? ", …" : ""}` : ""}
    </Text>
  );
}

export function ConsistencyScreen(props: Readonly<ScreenProps>) {
  const { client, active, readOnly, tick, refreshMs } = props;
  const source = client.consistency;
  const [reload, setReload] = useState(0);
  const [report, setReport] = useState<ConsistencyReport | null>(null);
  const polled = usePolling(
    async () => source ? await source.report() : null,
    source ? refreshMs * 5 : 0,
    `${tick}|${reload}`,
    active && source !== null,
  );
  const shown = report ?? polled.data;
  const [confirm, setConfirm] = useState(false);
  const action = useAction();

  useScreenKeys((input) => {
    if (input === "x" && !readOnly && source) setConfirm(true);
  }, active && !confirm);

  if (!active) return null;
  if (source === null) {
    return (
      <Box flexDirection="column">
        <Text color="yellow">consistency service not installed</Text>
        <Text dimColor>
          This client offers no consistency source (see tui/consistency_source.ts).
        </Text>
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      {shown === null ? <Text dimColor>checking…</Text> : (
        <Box flexDirection="column">
          <Text>
            {"outbox backlog".padEnd(22)}
            <Text color={shown.outbox_backlog > 0 ? "yellow" : "green"}>
              {String(shown.outbox_backlog).padStart(6)}
            </Text>
            {"  oldest "}
            {shown.oldest_outbox_age_ms === null ? "-" : formatDuration(shown.oldest_outbox_age_ms)}
          </Text>
          <Text>
            {"drift".padEnd(22)}
            <Text color={shown.drift > 0 ? "red" : "green"} bold>
              {String(shown.drift).padStart(6)}
            </Text>
          </Text>
          <Ids label="missing in graph" ids={shown.missing_in_graph} />
          <Ids label="missing in documents" ids={shown.missing_in_documents} />
          <Ids label="version mismatches" ids={shown.version_mismatches} />
          <Text dimColor>checked at {shown.checked_at}</Text>
        </Box>
      )}
      {confirm && (
        <YesNo
          lines={[`Repair drift now? (${shown?.drift ?? "?"} item(s) differ)`]}
          onNo={() => setConfirm(false)}
          onYes={() => {
            setConfirm(false);
            void action.run("repair", () => source.repair(), (r) => {
              setReport(r.report);
              setReload((n) => n + 1);
              return `repaired ${r.repaired} item(s); drift now ${r.report.drift}`;
            });
          }}
        />
      )}
      <MessageLine
        message={action.message ?? (polled.error ? { kind: "error", text: polled.error } : null)}
      />
    </Box>
  );
}
