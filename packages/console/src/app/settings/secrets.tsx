// Account secrets for app functions: add or replace a value (never shown again), list names, delete.
import { useState } from "react";
import { Alert, Button, Group, PasswordInput, Stack, Table, TextInput } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { SECRET_NAME_PATTERN, SECRET_NAME_RULE, type SecretList, type SecretRequest } from "@sprocket/contract";
import { api } from "../api-client";
import { EmptyState, ErrorNotice, formatDate, Loading } from "../page-parts";
import { useSession } from "../session";

export function Secrets() {
  const { accountId } = useSession();
  const queryClient = useQueryClient();
  const key = ["secrets", accountId];
  const [name, setName] = useState("");
  const [value, setValue] = useState("");
  const [saved, setSaved] = useState<string>();
  const secrets = useQuery({ queryKey: key, queryFn: () => api<SecretList>("GET", "/cms/v3/functions/secrets") });
  const exists = secrets.data?.secrets.some((s) => s.name === name.trim()) ?? false;
  // Said while typing, with the rule, rather than a button that greys out without a reason.
  const nameError = name.trim() && !SECRET_NAME_PATTERN.test(name.trim()) ? `Not a valid secret name: ${SECRET_NAME_RULE}.` : undefined;
  const save = useMutation({
    // HubSpot's API: POST adds, PUT replaces an existing value.
    mutationFn: () =>
      api(exists ? "PUT" : "POST", "/cms/v3/functions/secrets", { key: name.trim(), secret: value } satisfies SecretRequest),
    onSuccess: async () => {
      setSaved(`${name.trim()} ${exists ? "updated" : "added"}: functions that list it in serverless.json read it from process.env.`);
      setName("");
      setValue("");
      await queryClient.invalidateQueries({ queryKey: key });
    },
  });
  const remove = useMutation({
    mutationFn: (secret: string) => api("DELETE", `/cms/v3/functions/secrets/${encodeURIComponent(secret)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
  return (
    <Stack maw={900}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <Group align="flex-start">
          <TextInput
            label="Secret name"
            placeholder="e.g. MAPBOX_ACCESS_TOKEN"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            maxLength={64}
            w={300}
            description="Letters, digits and _; it becomes an environment variable"
            error={nameError ?? save.error?.message}
          />
          <PasswordInput
            label="Value"
            value={value}
            onChange={(e) => setValue(e.currentTarget.value)}
            autoComplete="off"
            w={300}
            description="Never shown again"
          />
          <Button type="submit" mt={45} disabled={!name.trim() || !value || nameError !== undefined} loading={save.isPending}>
            {exists ? "Replace value" : "Add secret"}
          </Button>
        </Group>
      </form>
      {saved ? (
        <Alert color="green" role="status">
          {saved}
        </Alert>
      ) : null}
      {secrets.isPending ? <Loading /> : null}
      {secrets.isError ? <ErrorNotice error={secrets.error} /> : null}
      {remove.error ? <ErrorNotice error={remove.error} /> : null}
      {secrets.data?.secrets.length === 0 ? (
        <EmptyState title="No secrets yet">Add one here or with `sprocket secrets add NAME`.</EmptyState>
      ) : null}
      {secrets.data && secrets.data.secrets.length > 0 ? (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Updated</Table.Th>
              <Table.Th>
                <span className="mantine-visually-hidden">Actions</span>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {secrets.data.secrets.map((row) => (
              <Table.Tr key={row.name}>
                <Table.Td>
                  <code>{row.name}</code>
                </Table.Td>
                <Table.Td>{formatDate(row.createdAt)}</Table.Td>
                <Table.Td>{formatDate(row.updatedAt)}</Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="subtle"
                    color="red"
                    onClick={() => remove.mutate(row.name)}
                    aria-label={`Delete secret ${row.name}`}
                  >
                    Delete
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
    </Stack>
  );
}
