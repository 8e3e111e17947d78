// The Workflow actions tab: the app's deployed `workflow-action` components (name, actionUrl, input and output
// fields) and, for each, "Test action": one signed call for a chosen record, showing what the actionUrl answered.
import { useState } from "react";
import { Alert, Badge, Button, Code, Group, Paper, Select, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useMutation, useQuery } from "@tanstack/react-query";
import type { ActionCall, ActionTestRequest, PrivateAppDetail, WorkflowAction, WorkflowActionList } from "@sprocket/contract";
import { api, errorText } from "../api-client";
import { standardObjectTypes } from "../crm/object-types";
import { EmptyState, ErrorNotice, Loading } from "../page-parts";
import { useSession } from "../session";

export const workflowActionsQuery = (accountId: number, appId: number | "all") => ({
  queryKey: ["workflow-actions", accountId, appId],
  queryFn: () =>
    api<WorkflowActionList>("GET", appId === "all" ? "/api/v1/workflow-actions" : `/api/v1/private-apps/${appId}/workflow-actions`),
});

function CallResult({ call }: { call: ActionCall }) {
  const ok = call.outcome === "succeeded";
  return (
    <Stack gap={4} data-testid="action-test-result">
      <Group gap="xs">
        <Badge color={ok ? "green" : "red"} variant="light">
          {call.status ?? "no answer"}
        </Badge>
        <Text size="sm">{Math.round(call.latencyMs)} ms</Text>
        <Text size="xs" c="dimmed">
          trace {call.traceId}
        </Text>
      </Group>
      {call.error ? (
        <Text size="sm" c="red">
          {call.error}
        </Text>
      ) : null}
      {call.outputFields ? (
        <>
          <Text size="sm" fw={500}>
            Output fields
          </Text>
          <Code block data-testid="action-output-fields">
            {JSON.stringify(call.outputFields, null, 2)}
          </Code>
        </>
      ) : null}
      <Text size="sm" fw={500}>
        Response body
      </Text>
      <Code block>{call.responseBody || "(empty)"}</Code>
    </Stack>
  );
}

function TestAction({ app, action }: { app: PrivateAppDetail; action: WorkflowAction }) {
  const [objectType, setObjectType] = useState(standardObjectTypes[0]!.name);
  const [objectId, setObjectId] = useState("");
  const [inputs, setInputs] = useState<Record<string, string>>({});
  const test = useMutation({
    mutationFn: () =>
      api<ActionCall>("POST", `/api/v1/private-apps/${app.appId}/workflow-actions/${encodeURIComponent(action.uid)}/test`, {
        objectType,
        objectId,
        // Fields left empty are not sent, so a required one left empty is named by the server.
        inputFields: Object.fromEntries(Object.entries(inputs).filter(([, v]) => v !== "")),
      } satisfies ActionTestRequest),
  });
  return (
    <Stack gap="xs" component="form" onSubmit={(e) => (e.preventDefault(), test.mutate())} aria-label={`Test ${action.name}`}>
      <Group align="end">
        <Select
          label="Object type"
          data={standardObjectTypes.map((t) => ({ value: t.name, label: t.plural }))}
          value={objectType}
          onChange={(v) => v && setObjectType(v)}
          allowDeselect={false}
          w={160}
        />
        <TextInput label="Record id" value={objectId} onChange={(e) => setObjectId(e.currentTarget.value)} required w={160} />
      </Group>
      <Group align="end">
        {action.inputFields.map((f) =>
          f.options ? (
            <Select
              key={f.name}
              label={f.name}
              data={f.options}
              value={inputs[f.name] ?? null}
              onChange={(v) => setInputs({ ...inputs, [f.name]: v ?? "" })}
              required={f.isRequired}
              clearable
              w={180}
            />
          ) : (
            <TextInput
              key={f.name}
              label={f.name}
              value={inputs[f.name] ?? ""}
              onChange={(e) => setInputs({ ...inputs, [f.name]: e.currentTarget.value })}
              required={f.isRequired}
              w={180}
            />
          ),
        )}
      </Group>
      <Group>
        <Button type="submit" loading={test.isPending}>
          Test action
        </Button>
      </Group>
      {test.isError ? (
        <Alert color="red" title="The test was not sent">
          {errorText(test.error)}
        </Alert>
      ) : null}
      {test.data ? <CallResult call={test.data} /> : null}
    </Stack>
  );
}

export function AppWorkflowActionsTab({ app }: { app: PrivateAppDetail }) {
  const { accountId } = useSession();
  const actions = useQuery(workflowActionsQuery(accountId, app.appId));
  if (actions.isPending) return <Loading />;
  if (actions.isError) return <ErrorNotice error={actions.error} title="Cannot load the app's workflow actions" />;
  if (actions.data.results.length === 0)
    return (
      <EmptyState title="No workflow actions">
        This app's live build has no workflow actions. A 2025.2 project adds one with a <code>workflow-action</code> component.
      </EmptyState>
    );
  return (
    <Stack gap="lg">
      {actions.data.results.map((action) => (
        <Paper
          key={action.id}
          withBorder
          p="md"
          component="section"
          aria-labelledby={`action-${action.id}`}
          data-testid={`action-${action.uid}`}
        >
          <Title order={2} size="h5" id={`action-${action.id}`}>
            {action.name}{" "}
            <Text span size="xs" c="dimmed">
              {action.uid} · id {action.id} · version {action.version}
            </Text>
          </Title>
          {action.description ? <Text size="sm">{action.description}</Text> : null}
          <Text size="sm" mt={4}>
            Action URL: <Code>{action.actionUrl}</Code>
          </Text>
          <Text size="sm">Objects: {action.objectTypes.length ? action.objectTypes.join(", ") : "any"}</Text>
          <Table mt="xs" mb="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Field</Table.Th>
                <Table.Th>Direction</Table.Th>
                <Table.Th>Type</Table.Th>
                <Table.Th>Filled with</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {action.inputFields.map((f) => (
                <Table.Tr key={`in-${f.name}`}>
                  <Table.Td>
                    {f.name}
                    {f.isRequired ? " *" : ""}
                  </Table.Td>
                  <Table.Td>input</Table.Td>
                  <Table.Td>{f.options ? `${f.type} (${f.options.map((o) => o.value).join(", ")})` : f.type}</Table.Td>
                  <Table.Td>{f.supportedValueTypes.join(", ")}</Table.Td>
                </Table.Tr>
              ))}
              {action.outputFields.map((f) => (
                <Table.Tr key={`out-${f.name}`}>
                  <Table.Td>{f.name}</Table.Td>
                  <Table.Td>output</Table.Td>
                  <Table.Td>{f.type}</Table.Td>
                  <Table.Td>—</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <TestAction app={app} action={action} />
        </Paper>
      ))}
    </Stack>
  );
}
