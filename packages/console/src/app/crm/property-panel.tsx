// "About this record": its properties, and a form to edit them with the server's validation errors inline.
import { useMemo, useState } from "react";
import { Button, Group, Paper, Select, Stack, Text, TextInput, Textarea, Title } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ApiRequestError } from "../api-client";
import { ErrorNotice } from "../page-parts";
import { crmApi, isEditable, type CrmRecord, type PropertyDefinition } from "./crm-api";
import { displayValue } from "./display-value";
import type { CrmObjectType } from "./object-types";

/** Which property each error of a 400 body is about: `errors[].in`, `errors[].context.propertyName`, or the body's context. */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiRequestError)) return {};
  const byField: Record<string, string> = {};
  for (const detail of error.errors) {
    const names = [
      detail.in,
      ...(Array.isArray(detail.context?.propertyName) ? detail.context.propertyName : [detail.context?.propertyName]),
    ];
    for (const name of names) if (typeof name === "string" && name) byField[name] ??= detail.message;
  }
  const contextNames = error.context?.propertyName;
  if (Array.isArray(contextNames)) for (const name of contextNames) if (typeof name === "string") byField[name] ??= error.message;
  return byField;
}

export function PropertyInput({
  property,
  value,
  error,
  onChange,
}: {
  property: PropertyDefinition;
  value: string;
  error?: string;
  onChange: (value: string) => void;
}) {
  const common = { label: property.label, error, description: property.description || undefined };
  if (property.type === "enumeration" || property.type === "bool") {
    const options =
      property.type === "bool" && property.options.length === 0
        ? [
            { value: "true", label: "Yes" },
            { value: "false", label: "No" },
          ]
        : property.options.filter((o) => !o.hidden).map((o) => ({ value: o.value, label: o.label }));
    return <Select {...common} data={options} value={value || null} onChange={(v) => onChange(v ?? "")} clearable />;
  }
  if (property.fieldType === "textarea")
    return <Textarea {...common} autosize minRows={2} value={value} onChange={(e) => onChange(e.currentTarget.value)} />;
  if (property.type === "date")
    return <TextInput {...common} type="date" value={value.slice(0, 10)} onChange={(e) => onChange(e.currentTarget.value)} />;
  return (
    <TextInput
      {...common}
      inputMode={property.type === "number" ? "decimal" : undefined}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
    />
  );
}

export function PropertyPanel({
  type,
  record,
  properties,
  onSaved,
}: {
  type: CrmObjectType;
  record: CrmRecord;
  properties: PropertyDefinition[];
  onSaved: () => void;
}) {
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [filter, setFilter] = useState("");
  // The object's default properties first, then the rest in the server's order.
  const shown = useMemo(() => {
    const visible = properties.filter((p) => !p.hidden);
    const first = type.defaultColumns.map((name) => visible.find((p) => p.name === name)).filter((p): p is PropertyDefinition => !!p);
    return [...first, ...visible.filter((p) => !type.defaultColumns.includes(p.name))];
  }, [properties, type]);
  const matching = shown.filter((p) => !filter || p.label.toLowerCase().includes(filter.toLowerCase()));

  const save = useMutation({
    mutationFn: () => {
      const changed = Object.fromEntries(Object.entries(draft).filter(([name, value]) => (record.properties[name] ?? "") !== value));
      return crmApi.update(type.name, record.id, changed);
    },
    onSuccess: async () => {
      setEditing(false);
      setDraft({});
      await queryClient.invalidateQueries({ queryKey: ["crm-search"] });
      onSaved();
    },
  });
  const errors = fieldErrors(save.error);
  const unplaced = save.error && Object.keys(errors).filter((name) => matching.some((p) => p.name === name)).length === 0;

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="about-title">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4" id="about-title">
          About this {type.singular.toLowerCase()}
        </Title>
        {!editing ? (
          <Button size="xs" variant="default" onClick={() => setEditing(true)}>
            Edit
          </Button>
        ) : null}
      </Group>
      <TextInput
        size="xs"
        mb="sm"
        aria-label="Search properties"
        placeholder="Search properties"
        value={filter}
        onChange={(e) => setFilter(e.currentTarget.value)}
      />
      {editing ? (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            save.mutate();
          }}
        >
          <Stack gap="sm">
            {matching.filter(isEditable).map((property) => (
              <PropertyInput
                key={property.name}
                property={property}
                value={draft[property.name] ?? record.properties[property.name] ?? ""}
                error={errors[property.name]}
                onChange={(value) => setDraft((d) => ({ ...d, [property.name]: value }))}
              />
            ))}
            {unplaced ? <ErrorNotice error={save.error} title="Not saved" /> : null}
            <Group justify="flex-end" pos="sticky" bottom={0} bg="white" py="xs">
              <Button
                variant="default"
                onClick={() => {
                  setEditing(false);
                  setDraft({});
                  save.reset();
                }}
              >
                Cancel
              </Button>
              <Button type="submit" loading={save.isPending} disabled={Object.keys(draft).length === 0}>
                Save
              </Button>
            </Group>
          </Stack>
        </form>
      ) : (
        <Stack gap="xs" component="dl" m={0}>
          {matching.map((property) => (
            <div key={property.name}>
              <Text size="xs" c="dimmed" component="dt">
                {property.label}
              </Text>
              <Text size="sm" component="dd" m={0} style={{ wordBreak: "break-word" }} data-property={property.name}>
                {displayValue(property, record.properties[property.name])}
              </Text>
            </div>
          ))}
        </Stack>
      )}
    </Paper>
  );
}
