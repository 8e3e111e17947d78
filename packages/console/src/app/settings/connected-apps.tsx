// Settings › Connected apps: the OAuth apps installed into this account, with what they may do, and uninstall.
import { useState } from "react";
import { Button, Code, Group, Modal, Stack, Table, Text } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ConnectedApp, ConnectedAppList } from "@sprocket/contract";
import { api } from "../api-client";
import { EmptyState, ErrorNotice, formatDate, Loading } from "../page-parts";
import { useSession } from "../session";

export function ConnectedApps() {
  const { accountId } = useSession();
  const queryClient = useQueryClient();
  const key = ["app-installs", accountId];
  const [confirming, setConfirming] = useState<ConnectedApp>();
  const installs = useQuery({ queryKey: key, queryFn: () => api<ConnectedAppList>("GET", "/api/v1/app-installs") });
  const uninstall = useMutation({
    mutationFn: (install: ConnectedApp) => api("DELETE", `/api/v1/app-installs/${install.installId}`),
    onSuccess: async () => {
      setConfirming(undefined);
      await queryClient.invalidateQueries({ queryKey: key });
    },
  });
  return (
    <Stack maw={1000}>
      <Text size="sm" c="dimmed">
        Apps from other accounts that a super admin installed here through OAuth. They read and change this account&apos;s data within their
        scopes, and their cards show on its records.
      </Text>
      {installs.isPending ? <Loading /> : null}
      {installs.isError ? <ErrorNotice error={installs.error} /> : null}
      {installs.data?.results.length === 0 ? (
        <EmptyState title="No apps are installed in this account.">
          An app is installed by opening its install link as a super admin.
        </EmptyState>
      ) : null}
      {installs.data && installs.data.results.length > 0 ? (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>App</Table.Th>
              <Table.Th>Scopes</Table.Th>
              <Table.Th>Installed by</Table.Th>
              <Table.Th>Installed</Table.Th>
              <Table.Th>
                <span className="mantine-visually-hidden">Actions</span>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {installs.data.results.map((row) => (
              <Table.Tr key={row.installId}>
                <Table.Td>
                  {row.appName}
                  <Text size="xs" c="dimmed">
                    app {row.appId} from account {row.developerAccountId}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {row.scopes.map((scope) => (
                      <Code key={scope}>{scope}</Code>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>{row.installedBy}</Table.Td>
                <Table.Td>{formatDate(row.installedAt)}</Table.Td>
                <Table.Td>
                  <Button size="xs" variant="subtle" color="red" onClick={() => setConfirming(row)}>
                    Uninstall
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
      <Modal opened={confirming !== undefined} onClose={() => setConfirming(undefined)} title={`Uninstall ${confirming?.appName ?? ""}?`}>
        <Stack>
          <Text size="sm">
            Its tokens stop working at once, its cards leave this account&apos;s records and its webhooks stop. Installing it again takes
            its install link.
          </Text>
          {uninstall.isError ? <ErrorNotice error={uninstall.error} title="The app was not uninstalled" /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(undefined)}>
              Cancel
            </Button>
            <Button color="red" loading={uninstall.isPending} onClick={() => confirming && uninstall.mutate(confirming)}>
              Uninstall {confirming?.appName}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
