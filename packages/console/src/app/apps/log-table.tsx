// A log list as a table that keeps only the rows in view in the DOM, loads older pages as it nears the end, and opens
// a row with a click, Enter or Space (arrow keys move between rows).
import { useEffect, useRef } from "react";
import { Badge, Button, Center, Code, Table, Text } from "@mantine/core";
import { useVirtualizer } from "@tanstack/react-virtual";
import { accountLabel, levelColors, statusColor } from "./log-detail-drawer";
import type { LogEvent, LogKind } from "@sprocket/contract";
import { formatMs } from "./log-types";

interface Column {
  header: string;
  width?: number;
  cell: (e: LogEvent) => React.ReactNode;
}

const time = (e: LogEvent) =>
  new Date(e.timestamp).toLocaleString(undefined, {
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
const shortTrace = (e: LogEvent) => <Code>{e.traceId.slice(0, 8)}</Code>;
const clip = (text: string) => (
  <Text size="sm" truncate="end" title={text}>
    {text}
  </Text>
);

const columns: Record<LogKind, Column[]> = {
  "api-calls": [
    { header: "Time", width: 150, cell: time },
    {
      header: "Status",
      width: 80,
      cell: (e) =>
        e.kind === "api-call" ? (
          <Badge color={statusColor(e.status)} variant="light">
            {e.status}
          </Badge>
        ) : null,
    },
    { header: "Method", width: 80, cell: (e) => (e.kind === "api-call" ? e.method : null) },
    { header: "Path", cell: (e) => (e.kind === "api-call" ? clip(e.query ? `${e.path}?${e.query}` : e.path) : null) },
    { header: "Duration", width: 90, cell: (e) => (e.kind === "api-call" ? formatMs(e.durationMs) : null) },
    { header: "Trace", width: 100, cell: shortTrace },
  ],
  functions: [
    { header: "Time", width: 150, cell: time },
    {
      header: "Outcome",
      width: 120,
      cell: (e) =>
        e.kind === "function-run" ? (
          <Badge color={e.outcome === "SUCCESS" ? "teal" : "red"} variant="light">
            {e.outcome}
          </Badge>
        ) : null,
    },
    { header: "Function", width: 150, cell: (e) => (e.kind === "function-run" ? clip(e.functionName) : null) },
    { header: "Error", cell: (e) => (e.kind === "function-run" ? clip(e.error?.message ?? "") : null) },
    { header: "Duration", width: 90, cell: (e) => (e.kind === "function-run" ? formatMs(e.durationMs) : null) },
    { header: "Trace", width: 100, cell: shortTrace },
  ],
  extensions: [
    { header: "Time", width: 150, cell: time },
    {
      header: "Event",
      width: 180,
      cell: (e) =>
        e.kind === "extension-event" ? (
          <Badge
            color={e.eventType === "RENDER_FAILURE" ? "red" : e.eventType === "LOG" ? "gray" : e.eventType === "FETCH" ? "blue" : "teal"}
            variant="light"
          >
            {e.eventType}
          </Badge>
        ) : null,
    },
    {
      header: "Level",
      width: 105,
      cell: (e) =>
        e.kind === "extension-event" ? (
          <Badge color={levelColors[e.level]} variant="dot">
            {e.level}
          </Badge>
        ) : null,
    },
    { header: "Card", width: 130, cell: (e) => (e.kind === "extension-event" ? clip(e.cardUid) : null) },
    { header: "Message", cell: (e) => (e.kind === "extension-event" ? clip(e.message) : null) },
    { header: "Trace", width: 100, cell: shortTrace },
  ],
  security: [
    { header: "Time", width: 150, cell: time },
    {
      header: "Event",
      width: 240,
      cell: (e) =>
        e.kind === "security-event" ? (
          <Badge variant="light" tt="none">
            {e.type}
          </Badge>
        ) : null,
    },
    { header: "By", cell: (e) => (e.kind === "security-event" ? clip(e.actor.label) : null) },
    { header: "From", width: 130, cell: (e) => (e.kind === "security-event" ? (e.actor.address ?? "—") : null) },
    { header: "Trace", width: 100, cell: shortTrace },
  ],
};

/** An OAuth app's rows come from every account it is installed in: this column, after the time, names each one's. */
const accountColumn: Column = { header: "Account", width: 180, cell: (e) => clip(accountLabel(e)) };

const ROW_HEIGHT = 41;
/** The width a column without its own takes at least: below it, the table scrolls sideways instead of squeezing badges. */
const FLEXIBLE_MIN_WIDTH = 220;

export function LogTable(props: {
  kind: LogKind;
  rows: LogEvent[];
  /** OAuth apps only (not for security events, which are the owner account's). */
  showAccount?: boolean;
  onOpen: (e: LogEvent) => void;
  hasMore: boolean;
  loadingMore: boolean;
  loadMore: () => void;
}) {
  const { kind, rows, onOpen, hasMore, loadingMore, loadMore } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const lastShown = items[items.length - 1]?.index ?? -1;
  useEffect(() => {
    if (hasMore && !loadingMore && lastShown >= rows.length - 10) loadMore();
  }, [hasMore, loadingMore, lastShown, rows.length, loadMore]);

  const focusRow = (index: number) => {
    if (index < 0 || index >= rows.length) return;
    const row = () => scrollRef.current?.querySelector<HTMLElement>(`tr[data-index="${index}"]`);
    virtualizer.scrollToIndex(index);
    // A rendered row takes focus at once (so quick key presses follow each other); one scrolled in, once drawn.
    const now = row();
    if (now) now.focus({ preventScroll: true });
    else requestAnimationFrame(() => row()?.focus());
  };
  const cols = props.showAccount ? [columns[kind][0]!, accountColumn, ...columns[kind].slice(1)] : columns[kind];
  const minWidth = cols.reduce((sum, c) => sum + (c.width ?? FLEXIBLE_MIN_WIDTH), 0);
  const padTop = items[0]?.start ?? 0;
  const padBottom = virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0);
  return (
    <>
      <div ref={scrollRef} style={{ height: "max(320px, calc(100vh - 420px))", overflow: "auto" }} data-testid="log-scroll">
        <Table
          stickyHeader
          highlightOnHover
          style={{ tableLayout: "fixed", minWidth }}
          aria-rowcount={rows.length + 1}
          data-testid="log-table"
        >
          <Table.Thead>
            <Table.Tr>
              {cols.map((c) => (
                <Table.Th key={c.header} style={c.width ? { width: c.width } : undefined}>
                  {c.header}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {padTop > 0 ? (
              <tr aria-hidden="true">
                <td colSpan={cols.length} style={{ height: padTop, padding: 0, border: 0 }} />
              </tr>
            ) : null}
            {items.map((item) => {
              const e = rows[item.index]!;
              return (
                <Table.Tr
                  key={`${e.kind}-${e.id}`}
                  data-index={item.index}
                  ref={virtualizer.measureElement}
                  aria-rowindex={item.index + 2}
                  tabIndex={0}
                  style={{ cursor: "pointer" }}
                  onClick={() => onOpen(e)}
                  onKeyDown={(ev) => {
                    if (ev.key === "Enter" || ev.key === " ") {
                      ev.preventDefault();
                      onOpen(e);
                    } else if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
                      ev.preventDefault();
                      focusRow(item.index + (ev.key === "ArrowDown" ? 1 : -1));
                    }
                  }}
                  data-testid="log-row"
                >
                  {cols.map((c) => (
                    <Table.Td key={c.header} style={{ whiteSpace: "nowrap", overflow: "hidden" }}>
                      {c.cell(e)}
                    </Table.Td>
                  ))}
                </Table.Tr>
              );
            })}
            {padBottom > 0 ? (
              <tr aria-hidden="true">
                <td colSpan={cols.length} style={{ height: padBottom, padding: 0, border: 0 }} />
              </tr>
            ) : null}
          </Table.Tbody>
        </Table>
      </div>
      <Center mt="xs">
        {hasMore ? (
          <Button variant="subtle" size="xs" onClick={loadMore} loading={loadingMore}>
            Load older events
          </Button>
        ) : (
          <Text size="xs" c="dimmed">
            No older events.
          </Text>
        )}
      </Center>
    </>
  );
}
