// The Logs tab's Webhooks list: every try of every delivery to the app's targetUrl, newest first, filtered by outcome,
// optionally following new tries live; a row opens the try's request body, the target's answer and its trace.
import { useMemo, useState } from "react";
import { Anchor, Badge, Button, Code, CopyButton, Drawer, Group, Select, Stack, Switch, Table, Text, Title } from "@mantine/core";
import { useInfiniteQuery } from "@tanstack/react-query";
import { Link } from "wouter";
import { api } from "../api-client";
import { EmptyState, ErrorNotice, formatDate, Loading } from "../page-parts";
import { useSession } from "../session";
import type { PrivateAppDetail, WebhookDelivery, WebhookDeliveryPage, WebhookOutcome } from "@sprocket/contract";
import { statusColor, tracePath } from "./log-detail-drawer";
import { useEventStream } from "./log-stream";
import { LogListStatus } from "./log-list-status";
import { formatMs } from "./log-types";

const PAGE_SIZE = 100;
const ANY = "any";
const outcomeColors: Record<WebhookOutcome, string> = { delivered: "teal", retrying: "orange", failed: "red" };
const outcomeOptions = [
  { value: ANY, label: "Any outcome" },
  { value: "delivered", label: "Delivered" },
  { value: "retrying", label: "Retrying" },
  { value: "failed", label: "Failed" },
];

const time = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" });

function OutcomeBadge({ d }: { d: WebhookDelivery }) {
  return (
    <Badge color={outcomeColors[d.outcome]} variant="light">
      {d.outcome}
    </Badge>
  );
}

export function WebhooksLog({ app }: { app: PrivateAppDetail }) {
  const { accountId } = useSession();
  const [outcome, setOutcome] = useState(ANY);
  const [liveOn, setLiveOn] = useState(false);
  const [live, setLive] = useState<WebhookDelivery[]>([]);
  const [open, setOpen] = useState<WebhookDelivery | null>(null);

  const list = useInfiniteQuery({
    queryKey: ["private-app", accountId, String(app.appId), "logs", "webhooks", outcome],
    queryFn: ({ pageParam, signal }) => {
      const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
      if (outcome !== ANY) params.set("outcome", outcome);
      if (pageParam) params.set("before", pageParam);
      return api<WebhookDeliveryPage>("GET", `/api/v1/private-apps/${app.appId}/logs/webhooks?${params}`, undefined, { signal });
    },
    initialPageParam: "",
    getNextPageParam: (last) => last.paging?.next.before,
  });
  const stream = useEventStream<WebhookDelivery>(`/api/v1/private-apps/${app.appId}/logs/webhooks/stream`, "webhook", liveOn, (d) => {
    if (outcome === ANY || d.outcome === outcome) setLive((rows) => [d, ...rows]);
  });

  // Live tries are kept apart from the pages (whose cursor they must not disturb); a try can be in both.
  const rows = useMemo(() => {
    const seen = new Set<string>();
    const out: WebhookDelivery[] = [];
    for (const d of [...live, ...(list.data?.pages.flatMap((p) => p.results) ?? [])]) {
      if (seen.has(d.id)) continue;
      seen.add(d.id);
      out.push(d);
    }
    return out.sort((a, b) => Number(b.id) - Number(a.id));
  }, [live, list.data]);

  return (
    <Stack gap="sm">
      <Group gap="sm" align="flex-end" role="search" aria-label="Filter webhook deliveries">
        <Select
          label="Outcome"
          size="xs"
          w={150}
          allowDeselect={false}
          value={outcome}
          data={outcomeOptions}
          onChange={(v) => {
            setOutcome(v ?? ANY);
            setLive([]);
          }}
          comboboxProps={{ withinPortal: true }}
        />
        <Switch label="Live" checked={liveOn} onChange={(e) => setLiveOn(e.currentTarget.checked)} mb={6} />
      </Group>
      <LogListStatus
        loaded={list.data !== undefined}
        count={rows.length}
        noun={["try", "tries"]}
        hasNextPage={list.hasNextPage}
        liveOn={liveOn}
        stream={stream}
      />
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorNotice error={list.error} />
      ) : rows.length === 0 ? (
        <EmptyState title={outcome === ANY ? "No deliveries yet" : "No matching deliveries"}>
          {outcome === ANY
            ? "A try appears here each time Sprocket sends the app's webhooks component a batch of CRM events."
            : "Try another outcome."}
        </EmptyState>
      ) : (
        <Table highlightOnHover verticalSpacing={6} fz="sm" aria-label="Webhook deliveries">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={150}>Time</Table.Th>
              <Table.Th w={125}>Outcome</Table.Th>
              <Table.Th w={80}>Status</Table.Th>
              <Table.Th w={90}>Latency</Table.Th>
              <Table.Th w={50}>Try</Table.Th>
              <Table.Th w={65}>Events</Table.Th>
              <Table.Th>Target</Table.Th>
              <Table.Th w={100}>Trace</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((d) => (
              <Table.Tr
                key={d.id}
                data-testid="webhook-row"
                tabIndex={0}
                style={{ cursor: "pointer" }}
                onClick={() => setOpen(d)}
                onKeyDown={(e) => {
                  if (e.key === "Enter" || e.key === " ") {
                    e.preventDefault();
                    setOpen(d);
                  }
                }}
              >
                <Table.Td>{time(d.createdAt)}</Table.Td>
                <Table.Td>
                  <OutcomeBadge d={d} />
                </Table.Td>
                <Table.Td>
                  {d.status === null ? (
                    "—"
                  ) : (
                    <Badge color={statusColor(d.status)} variant="light">
                      {d.status}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>{formatMs(d.latencyMs)}</Table.Td>
                <Table.Td>{d.attempt}</Table.Td>
                <Table.Td>{d.eventCount}</Table.Td>
                <Table.Td>
                  <Text size="sm" truncate="end" title={d.targetUrl}>
                    {d.targetUrl}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Anchor
                    component={Link}
                    href={tracePath(accountId, app.appId, d.traceId)}
                    onClick={(e: React.MouseEvent) => e.stopPropagation()}
                  >
                    {/* The end of the id: its first 12 characters are the time, alike for tries made together. */}
                    <Code>{d.traceId.slice(-8)}</Code>
                  </Anchor>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {list.hasNextPage ? (
        <Button variant="subtle" size="xs" loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
          Load older tries
        </Button>
      ) : null}
      <DeliveryDrawer delivery={open} appId={app.appId} onClose={() => setOpen(null)} />
    </Stack>
  );
}

const Block = ({ children, label }: { children: string; label: string }) => (
  <Code block aria-label={label} style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere", maxHeight: 360, overflow: "auto" }}>
    {children}
  </Code>
);

function DeliveryDrawer({ delivery: d, appId, onClose }: { delivery: WebhookDelivery | null; appId: number; onClose: () => void }) {
  const { accountId } = useSession();
  const facts: Array<[string, React.ReactNode]> = d
    ? [
        ["Outcome", <OutcomeBadge key="o" d={d} />],
        ["Status", d.status ?? "no answer"],
        ["Latency", formatMs(d.latencyMs)],
        ["Try", d.attempt],
        ["Events", d.eventCount],
        ["Component", <Code key="c">{d.componentUid}</Code>],
        ["Target", <Code key="t">{d.targetUrl}</Code>],
        ["Time", formatDate(d.createdAt)],
        ["Span", <Code key="s">{d.spanId}</Code>],
      ]
    : [];
  return (
    <Drawer
      opened={d !== null}
      onClose={onClose}
      position="right"
      size="lg"
      title={d ? <Text fw={600}>Webhook delivery, try {d.attempt}</Text> : null}
      closeButtonProps={{ "aria-label": "Close details" }}
    >
      {d ? (
        <Stack gap="md" data-testid="webhook-detail">
          <Group gap="sm">
            <Text size="xs" c="dimmed">
              Trace ID
            </Text>
            <Code data-testid="detail-trace-id">{d.traceId}</Code>
            <Anchor component={Link} href={tracePath(accountId, appId, d.traceId)} size="sm">
              View log trace
            </Anchor>
            <CopyButton value={d.traceId}>
              {({ copied, copy }) => (
                <Button size="xs" variant="light" onClick={copy} color={copied ? "teal" : undefined}>
                  {copied ? "Copied" : "Copy trace ID"}
                </Button>
              )}
            </CopyButton>
          </Group>
          <dl style={{ display: "grid", gridTemplateColumns: "max-content 1fr", columnGap: 16, rowGap: 6, margin: 0 }}>
            {facts.map(([label, value]) => (
              <div key={label} style={{ display: "contents" }}>
                <Text size="sm" c="dimmed" component="dt">
                  {label}
                </Text>
                <Text size="sm" component="dd" m={0} style={{ overflowWrap: "anywhere" }}>
                  {value}
                </Text>
              </div>
            ))}
          </dl>
          <Stack gap={6} component="section">
            <Title order={3} size="h6">
              Request body
            </Title>
            <Block label="Request body">{JSON.stringify(d.events, null, 2)}</Block>
          </Stack>
          <Stack gap={6} component="section">
            <Title order={3} size="h6">
              Response
            </Title>
            {/* A 2xx answer's body is not kept (HubSpot reads only the status); a failure keeps its start in the error. */}
            <Block label="Response">{d.error ?? `${d.status} (the body of a successful answer is not kept)`}</Block>
          </Stack>
        </Stack>
      ) : null}
    </Drawer>
  );
}
