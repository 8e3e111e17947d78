// The right-hand panel with everything stored about one log event, a link to its trace and a button to copy its ID.
import { Anchor, Badge, Button, Code, CopyButton, Drawer, Group, Stack, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { Link } from "wouter";
import { api } from "../api-client";
import { ErrorNotice, formatDate, Loading } from "../page-parts";
import { paths } from "../paths";
import { useSession } from "../session";
import type {
  ApiCallEvent,
  ExtensionEvent,
  FunctionRunEvent,
  LogEvent,
  LogKind,
  PrivateAppDetail,
  SecurityEvent,
} from "@sprocket/contract";
import { useMemberEmail } from "../member-emails";
import { BuildLink } from "./build-link";
import { failed, formatMs } from "./log-types";

const kindOfEvent: Record<LogEvent["kind"], LogKind> = {
  "api-call": "api-calls",
  "function-run": "functions",
  "extension-event": "extensions",
  "security-event": "security",
};
export const logKindOf = (e: LogEvent): LogKind => kindOfEvent[e.kind];

export const levelColors: Record<string, string> = { DEBUG: "gray", INFO: "blue", WARN: "yellow", ERROR: "red" };
export const statusColor = (status: number) => (status >= 500 ? "red" : status >= 400 ? "orange" : status >= 300 ? "blue" : "teal");

/** An OAuth app's rows name the account they happened in: "Customer B (1234)". */
export const accountLabel = (e: LogEvent) =>
  "accountName" in e && e.accountName ? `${e.accountName} (${e.accountId})` : String(e.accountId);

export const tracePath = (accountId: number, appId: number, traceId: string) =>
  `${paths.privateApp(accountId, appId, "log-traces")}?traceId=${traceId}`;

export function eventTitle(e: LogEvent): string {
  switch (e.kind) {
    case "api-call":
      return `${e.method} ${e.path}`;
    case "function-run":
      return `Function ${e.functionName}`;
    case "extension-event":
      return `${e.eventType === "LOG" ? "Log line" : "Render"} of ${e.cardUid}`;
    case "security-event":
      return e.type;
  }
}

function Facts({ rows }: { rows: Array<[string, React.ReactNode]> }) {
  return (
    <dl style={{ display: "grid", gridTemplateColumns: "max-content 1fr", columnGap: 16, rowGap: 6, margin: 0 }}>
      {rows.map(([label, value]) => (
        <div key={label} style={{ display: "contents" }}>
          <Text size="sm" c="dimmed" component="dt">
            {label}
          </Text>
          <Text size="sm" component="dd" m={0} style={{ overflowWrap: "anywhere" }}>
            {value ?? "—"}
          </Text>
        </div>
      ))}
    </dl>
  );
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Stack gap={6} component="section">
      <Title order={3} size="h6">
        {title}
      </Title>
      {children}
    </Stack>
  );
}

/** Bodies are stored as text; JSON reads better indented. */
function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

const Block = ({ children, label }: { children: string; label: string }) => (
  <Code block aria-label={label} style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere", maxHeight: 320, overflow: "auto" }}>
    {children}
  </Code>
);

function ApiCallDetail({ e }: { e: ApiCallEvent }) {
  return (
    <>
      <Facts
        rows={[
          ["Method", e.method],
          ["Path", <Code key="p">{e.path}</Code>],
          ["Query", e.query ? <Code key="q">{e.query}</Code> : "—"],
          [
            "Status",
            <Badge key="s" color={statusColor(e.status)} variant="light">
              {e.status}
            </Badge>,
          ],
          ["Duration", formatMs(e.durationMs)],
          ["Time", formatDate(e.createdAt)],
          ["User agent", e.userAgent ?? "—"],
          ["Address", e.address ?? "—"],
          ["Token", `#${e.tokenId}`],
          ["Span", <Code key="sp">{e.spanId}</Code>],
          ["Parent span", e.parentSpanId ? <Code key="ps">{e.parentSpanId}</Code> : "—"],
        ]}
      />
      {e.requestHeaders ? (
        <Section title="Request headers">
          <Block label="Request headers">{JSON.stringify(e.requestHeaders, null, 2)}</Block>
        </Section>
      ) : null}
      {e.requestBody ? (
        <Section title="Request body">
          <Block label="Request body">{pretty(e.requestBody)}</Block>
        </Section>
      ) : null}
      {e.responseBody ? (
        <Section title="Response body">
          <Block label="Response body">{pretty(e.responseBody)}</Block>
        </Section>
      ) : null}
      {e.status < 400 ? (
        <Text size="xs" c="dimmed">
          Headers and bodies are kept for failed calls only.
        </Text>
      ) : null}
    </>
  );
}

function FunctionRunDetail({ e, app }: { e: FunctionRunEvent; app: PrivateAppDetail }) {
  return (
    <>
      <Facts
        rows={[
          ["Function", e.functionName],
          [
            "Outcome",
            <Badge key="o" color={e.outcome === "SUCCESS" ? "teal" : "red"} variant="light">
              {e.outcome}
            </Badge>,
          ],
          ["Duration", formatMs(e.durationMs)],
          ["Memory", e.peakRssBytes === null ? "—" : `${(e.peakRssBytes / 1024 / 1024).toFixed(1)} MB peak`],
          ["Invoked by", e.invoker.label],
          ["Build", <BuildLink key="b" app={app} buildId={e.buildId} />],
          ["Time", formatDate(e.createdAt)],
          ["Span", <Code key="sp">{e.spanId}</Code>],
          ["Parent span", e.parentSpanId ? <Code key="ps">{e.parentSpanId}</Code> : "—"],
        ]}
      />
      {e.error ? (
        <Section title="Error">
          <Text size="sm" c="red">
            {e.error.type ? `${e.error.type}: ` : ""}
            {e.error.message}
          </Text>
          {e.error.stack ? <Block label="Stack">{e.error.stack}</Block> : null}
        </Section>
      ) : null}
      <Section title={`Logs (${e.logs?.length ?? 0})`}>
        {e.logs?.length ? (
          <Stack gap={2} component="ol" p={0} m={0} style={{ listStyle: "none" }} aria-label="Function logs">
            {e.logs.map((line, i) => (
              <Group key={i} gap="xs" wrap="nowrap" align="flex-start" component="li">
                <Badge size="xs" variant="light" color={levelColors[line.level.toUpperCase()] ?? "gray"} style={{ flexShrink: 0 }}>
                  {line.level}
                </Badge>
                <Text size="xs" ff="monospace" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
                  {line.message}
                </Text>
              </Group>
            ))}
          </Stack>
        ) : (
          <Text size="sm" c="dimmed">
            The function wrote nothing.
          </Text>
        )}
      </Section>
    </>
  );
}

function ExtensionDetail({ e }: { e: ExtensionEvent }) {
  const emailOf = useMemberEmail();
  return (
    <>
      <Facts
        rows={[
          ["Event", e.eventType],
          [
            "Level",
            <Badge key="l" color={levelColors[e.level]} variant="light">
              {e.level}
            </Badge>,
          ],
          ["Card", e.cardUid],
          ["Location", e.location],
          ["Record", e.objectTypeId ? `${e.objectTypeId} / ${e.objectId ?? "—"}` : "—"],
          ["User", emailOf(e.userId)],
          ["Render time", formatMs(e.durationMs)],
          ["Time", formatDate(e.createdAt)],
          ["Span", <Code key="sp">{e.spanId}</Code>],
        ]}
      />
      {e.message ? (
        <Section title="Message">
          <Block label="Message">{e.message}</Block>
        </Section>
      ) : null}
    </>
  );
}

function SecurityDetail({ e }: { e: SecurityEvent }) {
  return (
    <>
      <Facts
        rows={[
          ["Event", e.type],
          ["By", e.actor.label],
          ["Address", e.actor.address ?? "—"],
          ["Time", formatDate(e.createdAt)],
        ]}
      />
      {e.details && Object.keys(e.details).length ? (
        <Section title="Details">
          <Block label="Details">{JSON.stringify(e.details, null, 2)}</Block>
        </Section>
      ) : null}
    </>
  );
}

function EventDetail({ e, app }: { e: LogEvent; app: PrivateAppDetail }) {
  switch (e.kind) {
    case "api-call":
      return <ApiCallDetail e={e} />;
    case "function-run":
      return <FunctionRunDetail e={e} app={app} />;
    case "extension-event":
      return <ExtensionDetail e={e} />;
    case "security-event":
      return <SecurityDetail e={e} />;
  }
}

/** Lists carry a summary; calls and runs have more (headers, bodies, logs, stack) at their detail route. */
function useEventDetail(event: LogEvent | null, appId: number) {
  const { accountId } = useSession();
  const kind = event ? logKindOf(event) : undefined;
  const more = kind === "api-calls" || kind === "functions";
  return useQuery({
    queryKey: ["log-event", accountId, kind, event?.id],
    // The app's route: an OAuth app's rows of the accounts it is installed in are not this account's.
    queryFn: () => api<LogEvent>("GET", `/api/v1/private-apps/${appId}/logs/${kind}/${event!.id}`),
    enabled: event !== null && more,
  });
}

export function LogDetailDrawer({
  event,
  app,
  onClose,
  showTraceLink = true,
}: {
  event: LogEvent | null;
  app: PrivateAppDetail;
  onClose: () => void;
  showTraceLink?: boolean;
}) {
  const { accountId } = useSession();
  const detail = useEventDetail(event, app.appId);
  const shown = detail.data ?? event;
  return (
    <Drawer
      opened={event !== null}
      onClose={onClose}
      position="right"
      size="lg"
      title={shown ? <Text fw={600}>{eventTitle(shown)}</Text> : null}
      closeButtonProps={{ "aria-label": "Close details" }}
    >
      {shown ? (
        <Stack gap="md" data-testid="log-detail">
          <Group gap="xs">
            <Badge color={failed(shown) ? "red" : "teal"} variant="filled">
              {failed(shown) ? "Failed" : "OK"}
            </Badge>
            <Text size="xs" c="dimmed">
              Trace ID
            </Text>
            <Code data-testid="detail-trace-id">{shown.traceId}</Code>
            {"accountName" in shown && shown.accountName !== undefined ? (
              <Text size="xs" c="dimmed" data-testid="detail-account">
                in {accountLabel(shown)}
              </Text>
            ) : null}
          </Group>
          <Group gap="sm">
            {showTraceLink ? (
              <Anchor component={Link} href={tracePath(accountId, app.appId, shown.traceId)} size="sm">
                View log trace
              </Anchor>
            ) : null}
            <CopyButton value={shown.traceId}>
              {({ copied, copy }) => (
                <Button size="xs" variant="light" onClick={copy} color={copied ? "teal" : undefined}>
                  {copied ? "Copied" : "Copy trace ID"}
                </Button>
              )}
            </CopyButton>
          </Group>
          {detail.isFetching && !detail.data ? <Loading label="Loading details" /> : null}
          {detail.isError ? <ErrorNotice error={detail.error} /> : null}
          <EventDetail e={shown} app={app} />
        </Stack>
      ) : null}
    </Drawer>
  );
}
