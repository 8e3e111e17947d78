// Auth tab of an OAuth app: the accounts it is installed in, as its developer sees them.
import { Code, Group, Paper, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import type { AppInstallList } from "@sprocket/contract";
import { api } from "../api-client";
import { ErrorNotice, formatDate, Loading } from "../page-parts";

export function AppInstalls({ appId }: { appId: number }) {
  const installs = useQuery({
    queryKey: ["app-installs-of", appId],
    queryFn: () => api<AppInstallList>("GET", `/api/v1/private-apps/${appId}/installs`),
  });
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="installs-title">
      <Title order={2} size="h4" id="installs-title" mb="xs">
        Installs
      </Title>
      {installs.isPending ? <Loading /> : null}
      {installs.isError ? <ErrorNotice error={installs.error} /> : null}
      {installs.data?.results.length === 0 ? (
        <Text size="sm" c="dimmed">
          No account has installed this app yet: share its install URL with a super admin of the account.
        </Text>
      ) : null}
      {installs.data && installs.data.results.length > 0 ? (
        <Table aria-label="Installs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Account</Table.Th>
              <Table.Th>Installed</Table.Th>
              <Table.Th>Scopes</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {installs.data.results.map((row) => (
              <Table.Tr key={row.installId}>
                <Table.Td>
                  {row.accountName} ({row.accountId})
                </Table.Td>
                <Table.Td>{formatDate(row.installedAt)}</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {row.scopes.map((scope) => (
                      <Code key={scope}>{scope}</Code>
                    ))}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
    </Paper>
  );
}
