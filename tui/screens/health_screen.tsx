/**
 * Health: each store's status, adapter, latency and a sparkline of the last minute, refreshed on
 * a timer. A store that fails its probe turns red at the next refresh; the screen keeps polling.
 * @module
 */
import { Box, Text } from "ink";
import { Sparkline } from "../components/sparkline.tsx";
import { MessageLine } from "../components/message_line.tsx";
import { fit, formatBytes, formatDuration } from "../format.ts";
import { useLatencyHistory } from "../hooks/use_latency_history.ts";
import { usePolling } from "../hooks/use_polling.ts";
import { type ProcessView, useProcessFigures } from "../hooks/use_process_figures.ts";
import { matchesFilter, type ScreenKey, type ScreenProps } from "./screen.ts";

export const HEALTH_KEYS: readonly ScreenKey[] = [];

export function HealthScreen(props: Readonly<ScreenProps>) {
  const { client, refreshMs, tick, filter, columns } = props;
  // Health keeps polling while another screen shows, so its sparklines have no holes.
  const polled = usePolling(() => client.storeHealth(), refreshMs, tick);
  const history = useLatencyHistory(polled.data, polled.at);
  const api = useProcessFigures(client, refreshMs, tick);
  const sparkWidth = Math.max(10, Math.min(60, columns - 50));
  const rows = (polled.data ?? []).filter((s) => matchesFilter(`${s.role} ${s.adapter}`, filter));
  if (!props.active) return null;
  const down = rows.filter((s) => s.status === "down").length;
  return (
    <Box flexDirection="column">
      <Text bold>
        {fit("store", 12)} {fit("status", 6)} {fit("adapter", 15)} {fit("latency", 9, "right")}{" "}
        last minute
      </Text>
      {polled.data === null && polled.error === null && <Text dimColor>probing stores…</Text>}
      {rows.map((s) => (
        <Box key={s.role} flexDirection="column">
          <Text>
            <Text color={s.status === "ok" ? "green" : "red"} bold>{fit(s.role, 12)}</Text>{" "}
            <Text color={s.status === "ok" ? "green" : "red"}>
              {fit(s.status === "ok" ? "up" : "DOWN", 6)}
            </Text>{" "}
            {fit(s.adapter, 15)} {fit(formatDuration(s.latency_ms), 9, "right")}{" "}
            <Sparkline values={history[s.role] ?? []} width={sparkWidth} />
          </Text>
          {s.status === "down" && s.detail && (
            <Text color="red" wrap="truncate-end">{`  ${s.detail}`}</Text>
          )}
        </Box>
      ))}
      <Text></Text>
      <Text dimColor>
        {polled.data === null
          ? "waiting for the first probe"
          : down === 0
          ? "all stores answer"
          : `${down} store(s) down`} · refresh every {formatDuration(refreshMs)}
        {polled.at ? ` · last ${new Date(polled.at).toISOString().slice(11, 19)} UTC` : ""}
      </Text>
      <ApiLine api={api} url={client.apiUrl} />
      <MessageLine message={polled.error ? { kind: "error", text: polled.error } : null} />
    </Box>
  );
}

function ApiLine({ api, url }: Readonly<{ api: ProcessView | null; url: string | null }>) {
  if (api === null) return <Text dimColor>API process: not watched (--api URL)</Text>;
  if (api.error) return <Text color="yellow">API {url}: unreachable ({api.error})</Text>;
  const f = api.figures;
  if (f === null) return <Text dimColor>API {url}: reading /metrics…</Text>;
  return (
    <Text>
      API {url}: {f.rps === null ? "-" : f.rps.toFixed(1)} req/s · p99{" "}
      {f.p99_ms === null ? "-" : `${f.p99_ms} ms`} · RSS {formatBytes(f.rss_bytes)}
    </Text>
  );
}
