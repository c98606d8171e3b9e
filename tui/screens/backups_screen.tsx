/**
 * Backups: the catalogue with age, size and verify status; start a run and follow each store's
 * progress live; verify; restore with the backup id typed back. Failures show their reason.
 * @module
 */
import { Box, Text } from "ink";
import { useEffect, useState } from "react";
import { MessageLine } from "../components/message_line.tsx";
import { ProgressBar } from "../components/progress_bar.tsx";
import { TypedConfirm } from "../components/typed_confirm.tsx";
import { fit, formatAge, formatBytes, reason } from "../format.ts";
import { useAction } from "../hooks/use_action.ts";
import { usePolling } from "../hooks/use_polling.ts";
import { useSelection } from "../hooks/use_selection.ts";
import type { BackupDetail } from "../ops_client.ts";
import { matchesFilter, type ScreenKey, type ScreenProps, useScreenKeys } from "./screen.ts";

export const BACKUP_KEYS: readonly ScreenKey[] = [
  { key: "↑↓", label: "select" },
  { key: "s", label: "start backup", changes: true },
  { key: "v", label: "verify" },
  { key: "R", label: "restore", changes: true },
  { key: "F", label: "restore --force", changes: true },
];

const FOLLOW_MS = 300;

export function BackupsScreen(props: Readonly<ScreenProps>) {
  const { client, active, readOnly, filter, tick } = props;
  const [reload, setReload] = useState(0);
  const list = usePolling(() => client.listBackups(), 0, `${tick}|${reload}`, active);
  const rows = (list.data ?? []).filter((b) => matchesFilter(`${b.id} ${b.status}`, filter));
  const sel = useSelection(rows.length);
  const selected = rows[sel.index];
  const action = useAction();
  const [following, setFollowing] = useState<BackupDetail | null>(null);
  const [restore, setRestore] = useState<{ id: string; force: boolean } | null>(null);

  // Follows a running backup until it ends; keeps going while another screen shows.
  const followId = following?.status === "running" ? following.id : null;
  useEffect(() => {
    if (followId === null) return;
    let stop = false;
    const timer = setInterval(async () => {
      try {
        const d = await client.backupStatus(followId);
        if (stop) return;
        setFollowing(d);
        if (d.status !== "running") {
          setReload((n) => n + 1);
          action.setMessage(
            d.status === "succeeded"
              ? { kind: "info", text: `backup ${d.id} finished: ${formatBytes(d.size_bytes)}` }
              : { kind: "error", text: `backup ${d.id} failed: ${d.error ?? "no reason given"}` },
          );
        }
      } catch (err) {
        if (!stop) action.setMessage({ kind: "error", text: `backup status: ${reason(err)}` });
      }
    }, FOLLOW_MS);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, [followId, client]);

  useScreenKeys((input, key) => {
    if (key.upArrow || input === "k") sel.move(-1);
    else if (key.downArrow || input === "j") sel.move(1);
    else if (input === "s" && !readOnly && followId === null) {
      void action.run("start backup", async () => {
        const { id } = await client.startBackup();
        const d = await client.backupStatus(id);
        setFollowing(d);
        setReload((n) => n + 1);
        return d;
      }, (d) => {
        if (d.status === "failed") {
          throw new Error(`backup ${d.id} failed: ${d.error ?? "no reason given"}`);
        }
        return d.status === "succeeded" ? `backup ${d.id} finished` : `backup ${d.id} started`;
      });
    } else if (input === "v" && selected) {
      const id = selected.id;
      void action.run(`verify ${id}`, () => client.verifyBackup(id), (r) => {
        setReload((n) => n + 1);
        if (r.ok) return `backup ${id} verified: every checksum and count matches`;
        throw new Error(`verify failed: ${r.problems.join("; ")}`);
      });
    } else if ((input === "R" || input === "F") && !readOnly && selected) {
      setRestore({ id: selected.id, force: input === "F" });
    }
  }, active && restore === null);

  if (!active) return null;
  return (
    <Box flexDirection="column">
      <Text bold>
        {"  "}
        {fit("id", 36)} {fit("status", 9)} {fit("age", 10)} {fit("size", 10, "right")} verified
      </Text>
      {rows.length === 0 && (
        <Text dimColor>{list.loading ? "loading…" : "  no backups yet (s starts one)"}</Text>
      )}
      {rows.slice(0, Math.max(3, props.rows - 14)).map((b, i) => (
        <Text key={b.id} inverse={i === sel.index}>
          {i === sel.index ? "› " : "  "}
          {fit(b.id, 36)}{" "}
          <Text color={b.status === "failed" ? "red" : b.status === "running" ? "yellow" : "green"}>
            {fit(b.status, 9)}
          </Text>{" "}
          {fit(formatAge(b.started_at, Date.now()), 10)}{" "}
          {fit(formatBytes(b.size_bytes), 10, "right")}{" "}
          <Text color={b.verified === "failed" ? "red" : undefined}>{b.verified ?? "-"}</Text>
        </Text>
      ))}
      {selected?.status === "failed" && selected.error && (
        <Text color="red" wrap="truncate-end">{`  ${selected.error}`}</Text>
      )}
      {following && (
        <Box flexDirection="column" marginTop={1}>
          <Text bold>backup {following.id}: {following.status}</Text>
          {following.progress.map((p) => (
            <ProgressBar
              key={p.store}
              label={p.store}
              done={p.done}
              total={p.total}
              state={p.state}
              width={24}
            />
          ))}
        </Box>
      )}
      {restore && (
        <TypedConfirm
          lines={[
            `Restore backup ${restore.id}${
              restore.force ? " OVER the current data (--force)" : ""
            }.`,
            restore.force
              ? "Every store is overwritten with the backup's content."
              : "Refused unless the deployment is empty (F forces).",
          ]}
          expected={restore.id}
          onCancel={() => setRestore(null)}
          onConfirm={() => {
            const { id, force } = restore;
            setRestore(null);
            void action.run(
              `restore ${id}`,
              () => client.restoreBackup(id, { force, confirmId: id }),
              (r) => {
                if (!r.ok) throw new Error(r.detail);
                return `restored ${id}: ${r.detail}`;
              },
            );
          }}
        />
      )}
      <MessageLine
        message={action.message ?? (list.error ? { kind: "error", text: list.error } : null)}
      />
    </Box>
  );
}
