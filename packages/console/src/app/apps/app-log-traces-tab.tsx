// The Log Traces tab: a trace ID (from the URL or typed) gives every event of the trace as a waterfall, a row per span
// indented under its parent, its bar placed by offset and sized by duration; a row opens the event's details.
import { useEffect, useState } from "react";
import { Badge, Box, Button, Code, Group, Stack, Table, Text, TextInput, Tooltip } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useSearchParams } from "wouter";
import { api } from "../api-client";
import { EmptyState, ErrorNotice, formatDate, isNotFound, Loading, NotFound } from "../page-parts";
import { paths } from "../paths";
import { useSession } from "../session";
import type { LogEvent, PrivateAppDetail, Trace, TraceSpan } from "@sprocket/contract";
import { levelColors, LogDetailDrawer } from "./log-detail-drawer";
import { formatMs } from "./log-types";

const TRACE_ID = /^[0-9a-f]{32}$/i;

interface Row {
  key: string;
  depth: number;
  span: TraceSpan;
  /** A log line written inside the span (an extension's `logger.*`, a function's console output). */
  line?: { level: string; message: string };
}

const kindColor: Record<LogEvent["kind"], string> = {
  "extension-event": "violet",
  "function-run": "blue",
  "api-call": "cyan",
  "security-event": "gray",
};

/** The tree, depth first, with each span's log lines under it. */
function flatten(spans: TraceSpan[], depth = 0, out: Row[] = []): Row[] {
  for (const span of spans) {
    out.push({ key: span.spanId, depth, span });
    const lines = [
      ...span.logs.flatMap((l) => (l.kind === "extension-event" ? [{ level: l.level, message: l.message }] : [])),
      ...(span.event?.kind === "function-run"
        ? (span.event.logs ?? []).map((l) => ({ level: l.level.toUpperCase(), message: l.message }))
        : []),
    ];
    lines.forEach((line, i) => out.push({ key: `${span.spanId}-log-${i}`, depth: depth + 1, span, line }));
    flatten(span.children, depth + 1, out);
  }
  return out;
}

function Bar({ span, total }: { span: TraceSpan; total: number }) {
  const left = total > 0 ? (span.offsetMs / total) * 100 : 0;
  const width = total > 0 ? Math.max((span.durationMs / total) * 100, 0.6) : 100;
  const color =
    span.status === "ERROR" ? "var(--mantine-color-red-6)" : `var(--mantine-color-${span.event ? kindColor[span.event.kind] : "gray"}-6)`;
  return (
    <Box pos="relative" h={14} bg="var(--mantine-color-gray-1)" style={{ borderRadius: 3 }} aria-hidden="true">
      <Box
        pos="absolute"
        top={0}
        h={14}
        style={{
          left: `${Math.min(left, 99.4)}%`,
          width: `${Math.min(width, 100 - Math.min(left, 99.4))}%`,
          background: color,
          borderRadius: 3,
        }}
      />
    </Box>
  );
}

function Waterfall({ trace, onOpen }: { trace: Trace; onOpen: (e: LogEvent) => void }) {
  const rows = flatten(trace.spans);
  return (
    <Table style={{ tableLayout: "fixed" }} data-testid="trace-tree" aria-label={`Trace ${trace.traceId}`}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Event</Table.Th>
          <Table.Th w={90}>Start</Table.Th>
          <Table.Th w={90}>Duration</Table.Th>
          <Table.Th w="35%">Timeline ({formatMs(trace.durationMs)})</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map(({ key, depth, span, line }) => {
          const indent = { paddingLeft: 8 + depth * 20 };
          if (line) {
            return (
              <Table.Tr key={key} data-testid="trace-log-line">
                <Table.Td colSpan={4} style={indent}>
                  <Group gap="xs" wrap="nowrap">
                    <Badge size="xs" variant="light" color={levelColors[line.level] ?? "gray"} style={{ flexShrink: 0 }}>
                      {line.level}
                    </Badge>
                    <Text size="xs" ff="monospace" truncate="end" title={line.message}>
                      {line.message}
                    </Text>
                  </Group>
                </Table.Td>
              </Table.Tr>
            );
          }
          const event = span.event;
          return (
            <Table.Tr
              key={key}
              data-testid="trace-span"
              data-status={span.status}
              data-depth={depth}
              tabIndex={event ? 0 : undefined}
              style={event ? { cursor: "pointer" } : undefined}
              onClick={event ? () => onOpen(event) : undefined}
              onKeyDown={
                event
                  ? (ev) => {
                      if (ev.key === "Enter" || ev.key === " ") {
                        ev.preventDefault();
                        onOpen(event);
                      }
                    }
                  : undefined
              }
            >
              <Table.Td style={indent}>
                <Group gap={6} wrap="nowrap">
                  {depth > 0 ? (
                    <Text span c="dimmed" aria-hidden="true">
                      └
                    </Text>
                  ) : null}
                  <Badge size="xs" variant="light" color={span.status === "ERROR" ? "red" : "teal"} style={{ flexShrink: 0 }}>
                    {span.status}
                  </Badge>
                  <Text size="sm" truncate="end" title={span.name}>
                    {span.name}
                  </Text>
                </Group>
              </Table.Td>
              <Table.Td>
                <Text size="xs">+{formatMs(span.offsetMs)}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="xs">{formatMs(span.durationMs)}</Text>
              </Table.Td>
              <Table.Td>
                <Tooltip label={`starts at +${formatMs(span.offsetMs)}, takes ${formatMs(span.durationMs)}`}>
                  <div>
                    <Bar span={span} total={trace.durationMs} />
                  </div>
                </Tooltip>
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}

export function AppLogTracesTab({ app }: { app: PrivateAppDetail }) {
  const { accountId } = useSession();
  const [params, setParams] = useSearchParams();
  const traceId = (params.get("traceId") ?? "").trim().toLowerCase();
  const [input, setInput] = useState(traceId);
  useEffect(() => setInput(traceId), [traceId]);
  const [open, setOpen] = useState<LogEvent | null>(null);
  const valid = TRACE_ID.test(traceId);
  const trace = useQuery({
    queryKey: ["private-app", accountId, String(app.appId), "trace", traceId],
    queryFn: () => api<Trace>("GET", `/api/v1/private-apps/${app.appId}/traces/${traceId}`),
    enabled: valid,
  });
  const inputError = input && !TRACE_ID.test(input) ? "A trace ID is 32 hexadecimal characters." : undefined;
  return (
    <Stack>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!inputError && input) setParams({ traceId: input.toLowerCase() });
        }}
      >
        <Group align="flex-start" maw={720}>
          <TextInput
            label="Trace ID"
            description="Copy a trace ID from a log entry or from a card that failed to load."
            placeholder="32 hexadecimal characters"
            value={input}
            onChange={(e) => setInput(e.currentTarget.value.trim())}
            error={inputError}
            style={{ flex: 1 }}
            styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
          />
          <Button type="submit" mt={42} disabled={!input || Boolean(inputError)}>
            Show trace
          </Button>
        </Group>
      </form>
      {traceId && !valid ? (
        <NotFound title="Trace not found" back={{ href: paths.privateApp(accountId, app.appId, "logs"), label: `${app.name}'s logs` }}>
          “{traceId}” is not a trace ID: trace IDs are 32 hexadecimal characters. Copy one from a log entry's details.
        </NotFound>
      ) : !valid ? (
        <EmptyState title="No trace chosen">Enter a trace ID, or open one from the Logs tab with "View log trace".</EmptyState>
      ) : trace.isPending ? (
        <Loading label="Loading trace" />
      ) : isNotFound(trace.error) ? (
        <NotFound title="Trace not found" back={{ href: paths.privateApp(accountId, app.appId, "logs"), label: `${app.name}'s logs` }}>
          {app.name} has no events with trace ID {traceId}. Traces are kept as long as the app's logs; the events of a trace that just
          happened may take a moment to arrive.
        </NotFound>
      ) : trace.isError ? (
        <ErrorNotice error={trace.error} title="No trace" />
      ) : (
        <Stack gap="xs">
          <Group gap="lg">
            <Text size="sm">
              Trace <Code>{trace.data.traceId}</Code>
            </Text>
            <Text size="sm" data-testid="trace-summary">
              {trace.data.eventCount} {trace.data.eventCount === 1 ? "event" : "events"} over {formatMs(trace.data.durationMs)}, started{" "}
              {formatDate(trace.data.startedAt)}
            </Text>
          </Group>
          <Waterfall trace={trace.data} onOpen={setOpen} />
        </Stack>
      )}
      <LogDetailDrawer event={open} app={app} onClose={() => setOpen(null)} showTraceLink={false} />
    </Stack>
  );
}
