// Workflows (HubSpot's Automation > Workflows, reduced to one step): records of one type enrol when they are created or
// a property changes, and run one workflow action of a deployed app, whose output fields are written back to them.
import { useState } from "react";
import { Alert, Button, Group, Paper, SegmentedControl, Select, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useDocumentTitle } from "@mantine/hooks";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { InputMapping, Workflow, WorkflowAction, WorkflowInput, WorkflowList } from "@sprocket/contract";
import { api, errorText } from "../api-client";
import { workflowActionsQuery } from "../apps/app-workflow-actions-tab";
import { findType, standardObjectTypes } from "../crm/object-types";
import { EmptyState, ErrorNotice, formatDate, Loading, PageTitle } from "../page-parts";
import { useSession } from "../session";

const triggerText = (w: Workflow) => (w.trigger.type === "RECORD_CREATED" ? "Record created" : `${w.trigger.propertyName} changed`);

/** One input field's filling in the form: a typed value, or the name of a property of the enrolled record. */
interface InputDraft {
  type: InputMapping["type"];
  text: string;
}

function InputRow({
  field,
  draft,
  onChange,
}: {
  field: WorkflowAction["inputFields"][number];
  draft: InputDraft;
  onChange: (d: InputDraft) => void;
}) {
  const kinds = field.supportedValueTypes.filter((t): t is InputMapping["type"] => t === "STATIC_VALUE" || t === "OBJECT_PROPERTY");
  return (
    <Group align="end">
      <Text size="sm" w={140} fw={500}>
        {field.name}
        {field.isRequired ? " *" : ""}
      </Text>
      {kinds.length > 1 ? (
        <SegmentedControl
          size="xs"
          aria-label={`How ${field.name} is filled`}
          data={[
            { value: "STATIC_VALUE", label: "Value" },
            { value: "OBJECT_PROPERTY", label: "Property" },
          ]}
          value={draft.type}
          onChange={(v) => onChange({ ...draft, type: v as InputMapping["type"] })}
        />
      ) : null}
      {draft.type === "STATIC_VALUE" && field.options ? (
        <Select
          aria-label={`${field.name} value`}
          data={field.options}
          value={draft.text || null}
          onChange={(v) => onChange({ ...draft, text: v ?? "" })}
          clearable
          w={200}
        />
      ) : (
        <TextInput
          aria-label={draft.type === "STATIC_VALUE" ? `${field.name} value` : `${field.name} property`}
          placeholder={draft.type === "STATIC_VALUE" ? "value" : "property name, e.g. email"}
          value={draft.text}
          onChange={(e) => onChange({ ...draft, text: e.currentTarget.value })}
          w={200}
        />
      )}
    </Group>
  );
}

function NewWorkflowForm({ actions, onCreated }: { actions: WorkflowAction[]; onCreated: () => void }) {
  const [name, setName] = useState("");
  const [objectType, setObjectType] = useState("0-1");
  const [trigger, setTrigger] = useState<"RECORD_CREATED" | "PROPERTY_CHANGED">("RECORD_CREATED");
  const [property, setProperty] = useState("");
  const [actionId, setActionId] = useState<string | null>(actions[0] ? String(actions[0].id) : null);
  const [drafts, setDrafts] = useState<Record<string, InputDraft>>({});
  const action = actions.find((a) => String(a.id) === actionId);
  const draftOf = (f: WorkflowAction["inputFields"][number]): InputDraft =>
    drafts[f.name] ?? { type: f.supportedValueTypes.includes("STATIC_VALUE") ? "STATIC_VALUE" : "OBJECT_PROPERTY", text: "" };
  const create = useMutation({
    mutationFn: () => {
      const inputFields: Record<string, InputMapping> = {};
      for (const f of action?.inputFields ?? []) {
        const d = draftOf(f);
        if (d.text === "") continue;
        inputFields[f.name] =
          d.type === "STATIC_VALUE" ? { type: "STATIC_VALUE", value: d.text } : { type: "OBJECT_PROPERTY", propertyName: d.text };
      }
      const body: WorkflowInput = {
        name,
        objectType,
        trigger: trigger === "RECORD_CREATED" ? { type: "RECORD_CREATED" } : { type: "PROPERTY_CHANGED", propertyName: property },
        actionId: Number(actionId),
        inputFields,
      };
      return api<Workflow>("POST", "/api/v1/workflows", body);
    },
    onSuccess: () => {
      setName("");
      setDrafts({});
      onCreated();
    },
  });
  return (
    <Paper withBorder p="md" component="form" aria-label="New workflow" onSubmit={(e) => (e.preventDefault(), create.mutate())}>
      <Title order={2} size="h5" mb="xs">
        New workflow
      </Title>
      <Stack gap="xs">
        <Group align="end">
          <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} required w={240} />
          <Select
            label="Enrol"
            data={standardObjectTypes.map((t) => ({ value: t.objectTypeId, label: t.plural }))}
            value={objectType}
            onChange={(v) => v && setObjectType(v)}
            allowDeselect={false}
            w={160}
          />
          <Select
            label="When"
            data={[
              { value: "RECORD_CREATED", label: "a record is created" },
              { value: "PROPERTY_CHANGED", label: "a property changes" },
            ]}
            value={trigger}
            onChange={(v) => v && setTrigger(v as typeof trigger)}
            allowDeselect={false}
            w={200}
          />
          {trigger === "PROPERTY_CHANGED" ? (
            <TextInput
              label="Property"
              placeholder="e.g. lifecyclestage"
              value={property}
              onChange={(e) => setProperty(e.currentTarget.value)}
              required
            />
          ) : null}
        </Group>
        <Select
          label="Action"
          data={actions.map((a) => ({ value: String(a.id), label: `${a.name} (${a.appName} · ${a.uid})` }))}
          value={actionId}
          onChange={(v) => {
            setActionId(v);
            setDrafts({});
          }}
          allowDeselect={false}
          w={480}
        />
        {action?.inputFields.map((f) => (
          <InputRow key={`${action.id}-${f.name}`} field={f} draft={draftOf(f)} onChange={(d) => setDrafts({ ...drafts, [f.name]: d })} />
        ))}
        {action?.outputFields.length ? (
          <Text size="sm" c="dimmed">
            Written back to the record: {action.outputFields.map((f) => f.name).join(", ")}
          </Text>
        ) : null}
        {create.isError ? (
          <Alert color="red" title="The workflow was not created">
            {errorText(create.error)}
          </Alert>
        ) : null}
        <Group>
          <Button type="submit" loading={create.isPending} disabled={!action}>
            Create workflow
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

export default function WorkflowsPage() {
  const { accountId } = useSession();
  useDocumentTitle("Workflows · Sprocket");
  const queryClient = useQueryClient();
  const key = ["workflows", accountId];
  const workflows = useQuery({ queryKey: key, queryFn: () => api<WorkflowList>("GET", "/api/v1/workflows") });
  const actions = useQuery(workflowActionsQuery(accountId, "all"));
  const remove = useMutation({
    mutationFn: (id: number) => api("DELETE", `/api/v1/workflows/${id}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
  if (workflows.isPending || actions.isPending) return <Loading />;
  if (workflows.isError) return <ErrorNotice error={workflows.error} />;
  if (actions.isError) return <ErrorNotice error={actions.error} />;
  return (
    <>
      <PageTitle>Workflows</PageTitle>
      <Stack gap="lg">
        {workflows.data.results.length === 0 ? (
          <EmptyState title="No workflows">
            A workflow enrols records when they are created or a property changes, and runs an app's workflow action.
          </EmptyState>
        ) : (
          <Table data-testid="workflows">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Enrols</Table.Th>
                <Table.Th>When</Table.Th>
                <Table.Th>Action</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {workflows.data.results.map((w) => (
                <Table.Tr key={w.id}>
                  <Table.Td>{w.name}</Table.Td>
                  <Table.Td>{findType(standardObjectTypes, w.objectTypeId)?.plural ?? w.objectTypeId}</Table.Td>
                  <Table.Td>{triggerText(w)}</Table.Td>
                  <Table.Td>
                    {w.actionName}{" "}
                    <Text span size="xs" c="dimmed">
                      {w.actionUid}
                    </Text>
                  </Table.Td>
                  <Table.Td>{formatDate(w.createdAt)}</Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="subtle"
                      color="red"
                      onClick={() => remove.mutate(w.id)}
                      aria-label={`Delete workflow ${w.name}`}
                    >
                      Delete
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {actions.data.results.length === 0 ? (
          <EmptyState title="No workflow actions to run">
            Deploy an app with a workflow-action component to build a workflow on it.
          </EmptyState>
        ) : (
          <NewWorkflowForm actions={actions.data.results} onCreated={() => void queryClient.invalidateQueries({ queryKey: key })} />
        )}
      </Stack>
    </>
  );
}
