// The Overview, Logs, Log Traces and Extensions tabs. Only security events have an API so far;
// the other logs are laid out with an honest empty state until their APIs exist.
import { useState } from "react";
import { Badge, Paper, SimpleGrid, Stack, Table, Tabs, Text, TextInput, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { api } from "../api-client";
import { EmptyState, ErrorNotice, formatDate, Loading } from "../page-parts";
import { useSession } from "../session";
import type { PrivateAppDetail, SecurityEvent } from "./app-types";

const noEvents = <EmptyState title="No events yet">Events appear here once the app is used.</EmptyState>;

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" component="dt">
        {label}
      </Text>
      <Text size="sm" component="dd" m={0}>
        {children}
      </Text>
    </div>
  );
}

export function AppOverviewTab({ app }: { app: PrivateAppDetail }) {
  return (
    <Stack gap="lg">
      <Paper withBorder p="md">
        <SimpleGrid cols={4} component="dl" m={0}>
          <Fact label="App ID">{app.appId}</Fact>
          <Fact label="uid">{app.uid}</Fact>
          <Fact label="Active build">{app.activeBuildId ?? "—"}</Fact>
          <Fact label="Updated">{formatDate(app.updatedAt)}</Fact>
        </SimpleGrid>
        {app.description ? (
          <Text size="sm" mt="sm">
            {app.description}
          </Text>
        ) : null}
      </Paper>
      <SimpleGrid cols={2}>
        <Paper withBorder p="md" component="section" aria-labelledby="api-calls-title">
          <Title order={2} size="h5" id="api-calls-title">
            API calls
          </Title>
          {noEvents}
        </Paper>
        <Paper withBorder p="md" component="section" aria-labelledby="extension-requests-title">
          <Title order={2} size="h5" id="extension-requests-title">
            Extension requests
          </Title>
          {noEvents}
        </Paper>
      </SimpleGrid>
    </Stack>
  );
}

function SecurityLog({ app }: { app: PrivateAppDetail }) {
  const { accountId } = useSession();
  const events = useQuery({
    queryKey: ["private-app", accountId, String(app.appId), "security-events"],
    queryFn: () => api<{ results: SecurityEvent[] }>("GET", `/api/v1/private-apps/${app.appId}/security-events`),
  });
  if (events.isPending) return <Loading />;
  if (events.isError) return <ErrorNotice error={events.error} />;
  if (events.data.results.length === 0) return noEvents;
  return (
    <Table striped>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Event</Table.Th>
          <Table.Th>By</Table.Th>
          <Table.Th>From</Table.Th>
          <Table.Th>When</Table.Th>
          <Table.Th>Trace ID</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {events.data.results.map((event) => (
          <Table.Tr key={event.id}>
            <Table.Td>
              <Badge variant="light" tt="none">
                {event.type}
              </Badge>
            </Table.Td>
            <Table.Td>{event.actor_label}</Table.Td>
            <Table.Td>{event.address ?? "—"}</Table.Td>
            <Table.Td>{formatDate(event.createdAt)}</Table.Td>
            <Table.Td>
              <Text size="xs" ff="monospace">
                {event.trace_id}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function AppLogsTab({ app }: { app: PrivateAppDetail }) {
  return (
    <Tabs defaultValue="api-calls" variant="pills" keepMounted={false}>
      <Tabs.List mb="md" aria-label="Log types">
        <Tabs.Tab value="api-calls">API calls</Tabs.Tab>
        <Tabs.Tab value="functions">Serverless functions</Tabs.Tab>
        <Tabs.Tab value="extensions">Extensions</Tabs.Tab>
        <Tabs.Tab value="security">Security</Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="api-calls">{noEvents}</Tabs.Panel>
      <Tabs.Panel value="functions">{noEvents}</Tabs.Panel>
      <Tabs.Panel value="extensions">{noEvents}</Tabs.Panel>
      <Tabs.Panel value="security">
        <SecurityLog app={app} />
      </Tabs.Panel>
    </Tabs>
  );
}

export function AppLogTracesTab() {
  const [traceId, setTraceId] = useState("");
  return (
    <Stack maw={640}>
      <TextInput
        label="Trace ID"
        description="Copy a trace ID from a log entry or from a card that failed to load."
        placeholder="32 hexadecimal characters"
        value={traceId}
        onChange={(e) => setTraceId(e.currentTarget.value.trim())}
        error={traceId && !/^[0-9a-f]{32}$/i.test(traceId) ? "A trace ID is 32 hexadecimal characters." : undefined}
      />
      {noEvents}
    </Stack>
  );
}

export function AppExtensionsTab({ app }: { app: PrivateAppDetail }) {
  const cards = app.components.filter((c) => c.kind === "card");
  const functions = app.components.filter((c) => c.kind === "function");
  if (cards.length === 0 && functions.length === 0) return <EmptyState title="No extensions">This app's build holds no cards or functions.</EmptyState>;
  return (
    <Table>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Name</Table.Th>
          <Table.Th>Kind</Table.Th>
          <Table.Th>Location</Table.Th>
          <Table.Th>Objects</Table.Th>
          <Table.Th>Build</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {[...cards, ...functions].map((component) => (
          <Table.Tr key={`${component.kind}:${component.name}`}>
            <Table.Td>{String(component.config.title ?? component.name)}</Table.Td>
            <Table.Td>{component.kind === "card" ? "UI extension card" : "Serverless function"}</Table.Td>
            <Table.Td>{String(component.config.location ?? "—")}</Table.Td>
            <Table.Td>{Array.isArray(component.config.objectTypes) ? component.config.objectTypes.map(String).join(", ") : "—"}</Table.Td>
            <Table.Td>#{component.buildId}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
