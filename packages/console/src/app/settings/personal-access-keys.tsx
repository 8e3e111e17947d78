// Personal access keys for the CLI: create (the key is shown once), list, revoke.
import { useState } from "react";
import { Alert, Button, Code, Group, Stack, Table, Text, TextInput } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { CreatedPersonalAccessKey, PersonalAccessKey } from "@sprocket/contract";
import { api } from "../api-client";
import { EmptyState, ErrorNotice, formatDate, Loading } from "../page-parts";
import { useSession } from "../session";

export function PersonalAccessKeys() {
  const { accountId } = useSession();
  const queryClient = useQueryClient();
  const key = ["personal-access-keys", accountId];
  const [name, setName] = useState("");
  const [created, setCreated] = useState<{ name: string; personalAccessKey: string }>();
  const keys = useQuery({ queryKey: key, queryFn: () => api<{ results: PersonalAccessKey[] }>("GET", "/api/v1/personal-access-keys") });
  const create = useMutation({
    mutationFn: () => api<CreatedPersonalAccessKey>("POST", "/api/v1/personal-access-keys", { name }),
    onSuccess: async (result) => {
      setCreated(result);
      setName("");
      await queryClient.invalidateQueries({ queryKey: key });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: number) => api("DELETE", `/api/v1/personal-access-keys/${id}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
  return (
    <Stack maw={900}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate();
        }}
      >
        <Group align="flex-end">
          <TextInput
            label="Key name"
            placeholder="e.g. laptop"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            maxLength={100}
            error={create.error?.message}
          />
          <Button type="submit" disabled={!name.trim()} loading={create.isPending}>
            Create key
          </Button>
        </Group>
      </form>
      {created ? (
        <Alert color="green" title={`Key “${created.name}” created`} role="status">
          <Text size="sm">Copy it now: it will not be shown again. Use it with `sprocket auth`.</Text>
          <Code block mt="xs" data-testid="new-personal-access-key">
            {created.personalAccessKey}
          </Code>
        </Alert>
      ) : null}
      {keys.isPending ? <Loading /> : null}
      {keys.isError ? <ErrorNotice error={keys.error} /> : null}
      {revoke.error ? <ErrorNotice error={revoke.error} /> : null}
      {keys.data?.results.length === 0 ? (
        <EmptyState title="No personal access keys">Create one to sign in with the CLI.</EmptyState>
      ) : null}
      {keys.data && keys.data.results.length > 0 ? (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Key</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Last used</Table.Th>
              <Table.Th>
                <span className="mantine-visually-hidden">Actions</span>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {keys.data.results.map((row) => (
              <Table.Tr key={row.id}>
                <Table.Td>{row.name}</Table.Td>
                <Table.Td>
                  <Code>{row.key_prefix}…</Code>
                </Table.Td>
                <Table.Td>{formatDate(row.created_at)}</Table.Td>
                <Table.Td>{formatDate(row.last_used_at)}</Table.Td>
                <Table.Td>
                  {row.revoked_at ? (
                    <Text size="xs" c="dimmed">
                      Revoked {formatDate(row.revoked_at)}
                    </Text>
                  ) : (
                    <Button
                      size="xs"
                      variant="subtle"
                      color="red"
                      onClick={() => revoke.mutate(row.id)}
                      aria-label={`Revoke key ${row.name}`}
                    >
                      Revoke
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
    </Stack>
  );
}
