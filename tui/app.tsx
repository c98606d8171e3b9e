/**
 * The app shell: tab bar, the current screen, message and footer; global keys (tab and digits
 * between screens, `/` filter per screen that stays set, `r` refresh, `?` help, `q` quit). @module
 */
import { Box, useApp, useInput, useWindowSize } from "ink";
import { useState } from "react";
import { HelpOverlay } from "./components/help_overlay.tsx";
import { type KeyHint, KeyHints } from "./components/key_hints.tsx";
import { TabBar } from "./components/tab_bar.tsx";
import { TextPrompt } from "./components/text_prompt.tsx";
import { KeyCaptureProvider, useKeysCaptured } from "./hooks/use_key_capture.ts";
import type { OpsClient } from "./ops_client.ts";
import { type ScreenEntry, SCREENS } from "./screens/registry.ts";
import { visibleKeys } from "./screens/screen.ts";

export const GLOBAL_KEYS: readonly KeyHint[] = [
  { key: "tab", label: "next screen (shift-tab back)" },
  { key: "1-5", label: "go to screen" },
  { key: "/", label: "filter this screen" },
  { key: "r", label: "refresh" },
  { key: "?", label: "help" },
  { key: "q", label: "quit" },
];

const FOOTER_GLOBALS: readonly KeyHint[] = [
  { key: "tab/1-5", label: "screens" },
  { key: "/", label: "filter" },
  { key: "r", label: "refresh" },
  { key: "?", label: "help" },
  { key: "q", label: "quit" },
];

export interface AppProps {
  readonly client: OpsClient;
  readonly readOnly?: boolean;
  /** Health refresh period; 2 s by default. */
  readonly refreshMs?: number;
  readonly screens?: readonly ScreenEntry[];
  readonly initialScreen?: number;
}

export function App(props: Readonly<AppProps>) {
  return (
    <KeyCaptureProvider>
      <Shell {...props} />
    </KeyCaptureProvider>
  );
}

function Shell(
  { client, readOnly = false, refreshMs = 2000, screens = SCREENS, initialScreen = 0 }: Readonly<
    AppProps
  >,
) {
  const { exit } = useApp();
  const { columns, rows } = useWindowSize();
  const [current, setCurrent] = useState(initialScreen);
  const [help, setHelp] = useState(false);
  const [filtering, setFiltering] = useState(false);
  const [filters, setFilters] = useState<Record<number, string>>({});
  const [tick, setTick] = useState(0);
  const captured = useKeysCaptured();
  const screen = screens[current];

  useInput((input, key) => {
    if (help) {
      if (key.escape || input === "?" || input === "q") setHelp(false);
      return;
    }
    if (input === "q") exit();
    else if (input === "?") setHelp(true);
    else if (key.tab) {
      setCurrent((c) => (c + (key.shift ? screens.length - 1 : 1)) % screens.length);
    } else if (/^[1-9]$/.test(input) && Number(input) <= screens.length) {
      setCurrent(Number(input) - 1);
    } else if (input === "/") setFiltering(true);
    else if (input === "r") setTick((t) => t + 1);
  }, { isActive: !captured && !filtering });

  // One column spare: a line filling the last column makes some terminals wrap.
  const width = Math.max(79, (columns ?? 80) - 1);
  const height = Math.max(24, rows ?? 24);
  const hints = [...visibleKeys(screen.keys, readOnly), ...FOOTER_GLOBALS];
  return (
    <Box flexDirection="column" width={width}>
      <TabBar
        tabs={screens.map((s) => s.title)}
        current={current}
        target={client.target}
        readOnly={readOnly}
        width={width}
      />
      <Box flexDirection="column" marginTop={1} display={help ? "none" : "flex"}>
        {screens.map(({ title, Component }, i) => (
          <Component
            key={title}
            client={client}
            active={i === current && !help}
            readOnly={readOnly}
            filter={filters[i] ?? ""}
            tick={tick}
            refreshMs={refreshMs}
            rows={height - 6}
            columns={width}
          />
        ))}
      </Box>
      {help && (
        <HelpOverlay
          screen={screen.title}
          globalKeys={GLOBAL_KEYS}
          screenKeys={visibleKeys(screen.keys, readOnly)}
        />
      )}
      {filtering && (
        <TextPrompt
          label="filter /"
          initial={filters[current] ?? ""}
          onCancel={() => setFiltering(false)}
          onSubmit={(v) => {
            setFilters((f) => ({ ...f, [current]: v.trim() }));
            setFiltering(false);
          }}
        />
      )}
      <KeyHints hints={hints} filter={filters[current] ?? ""} />
    </Box>
  );
}
