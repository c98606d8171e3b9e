/**
 * Cache: keys by pattern with cursor paging (SCAN underneath), type/TTL/size, a value view with
 * secrets redacted by the client, deletes behind a confirm that shows what goes, and the
 * read-through hit ratio per namespace family (the API's, when the TUI is given one). @module
 */
import { Box, Text } from "ink";
import { useState } from "react";
import { MessageLine } from "../components/message_line.tsx";
import { TextPrompt } from "../components/text_prompt.tsx";
import { TypedConfirm } from "../components/typed_confirm.tsx";
import { YesNo } from "../components/yes_no.tsx";
import { fit, formatBytes, formatDuration, formatRatio, truncate } from "../format.ts";
import { useAction } from "../hooks/use_action.ts";
import { usePolling } from "../hooks/use_polling.ts";
import { useSelection } from "../hooks/use_selection.ts";
import { namespaceFamilies } from "../namespace_families.ts";
import type { CacheStatsView, CacheValue } from "../ops_client.ts";
import { matchesFilter, type ScreenKey, type ScreenProps, useScreenKeys } from "./screen.ts";

export const CACHE_KEYS: readonly ScreenKey[] = [
  { key: "↑↓", label: "select" },
  { key: "enter", label: "view value" },
  { key: "p", label: "pattern" },
  { key: "n/b", label: "next/prev page" },
  { key: "d", label: "delete key", changes: true },
  { key: "D", label: "delete pattern", changes: true },
];

const PAGE = 10;
/** Width of one namespace cell in the stats (name, ratio, hits/reads). */
const CELL = 38;

type Mode =
  | { kind: "list" }
  | { kind: "pattern" }
  | { kind: "value"; value: CacheValue }
  | { kind: "delete-one"; key: string }
  | { kind: "delete-pattern"; count: number };

export function CacheScreen(props: Readonly<ScreenProps>) {
  const { client, active, readOnly, filter, tick, columns } = props;
  const [pattern, setPattern] = useState("*");
  // cursors[i] is the cursor that loads page i; page 0 starts from null.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const page = cursors.length - 1;
  const [mode, setMode] = useState<Mode>({ kind: "list" });
  const [reload, setReload] = useState(0);
  const action = useAction();
  const pageSize = Math.max(3, Math.min(PAGE, props.rows - 8));
  const keys = usePolling(
    () => client.scanCacheKeys({ pattern, cursor: cursors[page], count: pageSize }),
    0,
    `${tick}|${reload}|${page}|${pattern}`,
    active,
  );
  const stats = usePolling(
    () => client.cacheStats(),
    props.refreshMs * 5,
    `${tick}|${reload}`,
    active,
  );
  const items = (keys.data?.items ?? []).filter((k) => matchesFilter(k.key, filter));
  const sel = useSelection(items.length);
  const selected = items[sel.index];

  const refresh = () => setReload((n) => n + 1);
  useScreenKeys(
    (input, key) => {
      if (mode.kind === "value") {
        if (key.escape || key.return) setMode({ kind: "list" });
        return;
      }
      if (key.upArrow || input === "k") sel.move(-1);
      else if (key.downArrow || input === "j") sel.move(1);
      else if (input === "p") setMode({ kind: "pattern" });
      else if (input === "n" && keys.data?.next_cursor) {
        setCursors((c) => [...c, keys.data!.next_cursor]);
        sel.set(0);
      } else if (input === "b" && page > 0) {
        setCursors((c) => c.slice(0, -1));
        sel.set(0);
      } else if (key.return && selected) {
        void action.run("read value", () => client.getCacheKey(selected.key), (v) => {
          if (v === null) return `${selected.key} no longer exists`;
          setMode({ kind: "value", value: v });
          return `${v.key}: ${v.type}, ${formatBytes(v.size_bytes)}`;
        });
      } else if (input === "d" && !readOnly && selected) {
        setMode({ kind: "delete-one", key: selected.key });
      } else if (input === "D" && !readOnly) {
        void action.run("count keys", () => client.countCacheKeys(pattern), (count) => {
          setMode({ kind: "delete-pattern", count });
          return `${count} key(s) match ${pattern}`;
        });
      }
    },
    active && mode.kind !== "pattern" && mode.kind !== "delete-one" &&
      mode.kind !== "delete-pattern",
  );

  if (!active) return null;
  const keyWidth = Math.max(20, columns - 36);
  return (
    <Box flexDirection="column">
      <Text>
        pattern <Text bold color="cyan">{pattern}</Text> · page {page + 1}
        {keys.data?.next_cursor ? " · more (n)" : " · end of scan"}
      </Text>
      {mode.kind === "pattern" && (
        <TextPrompt
          label="pattern (glob):"
          initial={pattern}
          onCancel={() => setMode({ kind: "list" })}
          onSubmit={(v) => {
            setPattern(v.trim() === "" ? "*" : v.trim());
            setCursors([null]);
            sel.set(0);
            setMode({ kind: "list" });
          }}
        />
      )}
      {mode.kind === "value"
        ? <ValueView value={mode.value} columns={columns} />
        : (
          <Box flexDirection="column">
            <Text bold>
              {"  "}
              {fit("key", keyWidth)} {fit("type", 8)} {fit("ttl", 9, "right")}{" "}
              {fit("size", 10, "right")}
            </Text>
            {items.length === 0 && (
              <Text dimColor>{keys.loading ? "scanning…" : "  no keys match"}</Text>
            )}
            {items.map((k, i) => (
              <Text key={k.key} inverse={i === sel.index}>
                {i === sel.index ? "› " : "  "}
                {fit(k.key, keyWidth)} {fit(k.type, 8)} {fit(formatDuration(k.ttl_ms), 9, "right")}
                {" "}
                {fit(formatBytes(k.size_bytes), 10, "right")}
              </Text>
            ))}
          </Box>
        )}
      {mode.kind === "delete-one" && (
        <YesNo
          lines={[`Delete cache key ${mode.key}? (1 key)`]}
          onNo={() => setMode({ kind: "list" })}
          onYes={() => {
            const k = mode.key;
            setMode({ kind: "list" });
            void action.run("delete key", () => client.deleteCacheKey(k), (n) => {
              refresh();
              return `deleted ${n} key(s): ${k}`;
            });
          }}
        />
      )}
      {mode.kind === "delete-pattern" && (
        <TypedConfirm
          lines={[`Delete every key matching ${pattern}: ${mode.count} key(s).`]}
          expected={String(mode.count)}
          onCancel={() => setMode({ kind: "list" })}
          onConfirm={() => {
            setMode({ kind: "list" });
            void action.run("delete pattern", () => client.deleteCacheKeys(pattern), (n) => {
              setCursors([null]);
              refresh();
              return `deleted ${n} key(s) matching ${pattern}`;
            });
          }}
        />
      )}
      <MessageLine
        message={action.message ?? (keys.error ? { kind: "error", text: keys.error } : null)}
      />
      <Stats stats={stats.data} error={stats.error} columns={columns} />
    </Box>
  );
}

function ValueView({ value, columns }: Readonly<{ value: CacheValue; columns: number }>) {
  const lines = value.value.split("\n").slice(0, 10);
  return (
    <Box flexDirection="column" borderStyle="single" paddingX={1}>
      <Text bold>
        {truncate(value.key, columns - 30)} · {value.type} · ttl {formatDuration(value.ttl_ms)}
        {value.redacted ? " · secrets redacted" : ""}
      </Text>
      {lines.map((l, i) => <Text key={i} wrap="truncate-end">{l}</Text>)}
      <Text dimColor>esc closes</Text>
    </Box>
  );
}

/** Up to two lines of namespace-family cells, as many per line as the width allows. */
function Stats(
  { stats, error, columns }: Readonly<
    { stats: CacheStatsView | null; error: string | null; columns: number }
  >,
) {
  if (stats === null) return <Text dimColor>{error ? `stats: ${error}` : "stats: loading…"}</Text>;
  const families = namespaceFamilies(stats.namespaces);
  const perLine = Math.max(1, Math.floor((columns - 2) / CELL));
  const room = perLine * 2;
  const shown = families.length > room ? families.slice(0, room - 1) : families;
  const cells = shown.map((n) =>
    `${fit(n.namespace, CELL - 18)} ${fit(formatRatio(n.ratio), 6, "right")} ${
      fit(`${n.hits}/${n.hits + n.misses}`, 9, "right")
    }`
  );
  if (shown.length < families.length) cells.push(`+${families.length - shown.length} more`);
  const lines = [cells.slice(0, perLine), cells.slice(perLine)].filter((l) => l.length > 0);
  const empty = stats.ratios_from === null
    ? "  (none here: this process reads nothing through the cache; see --api/--token)"
    : "  (no reads counted yet)";
  return (
    <Box flexDirection="column">
      <Text dimColor wrap="truncate-end">
        {stats.keys ?? "-"} keys · {formatBytes(stats.memory_bytes)}{" "}
        · read-through hit ratio per namespace{stats.ratios_from
          ? ` (API ${stats.ratios_from})`
          : ""}:
      </Text>
      {lines.length === 0
        ? <Text wrap="truncate-end">{empty}</Text>
        : lines.map((l, i) => (
          <Text key={i} wrap="truncate-end">
            {"  "}
            {l.map((c) => fit(c, CELL - 1)).join(" ")}
          </Text>
        ))}
    </Box>
  );
}
