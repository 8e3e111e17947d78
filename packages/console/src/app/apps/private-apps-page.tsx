// Development › Private apps: the account's apps and how many of the allowed number they use.
import { Anchor, Badge, Group, Progress, Table, Text } from "@mantine/core";
import { useDocumentTitle } from "@mantine/hooks";
import { useQuery } from "@tanstack/react-query";
import { Link } from "wouter";
import { api } from "../api-client";
import { EmptyState, ErrorNotice, formatDate, Loading, PageTitle } from "../page-parts";
import { paths } from "../paths";
import { useSession } from "../session";
import type { PrivateAppList } from "@sprocket/contract";
import { AppHomeLink } from "./app-home-link";
import { ProjectLink } from "./build-link";

export default function PrivateAppsPage() {
  useDocumentTitle("Private apps · Sprocket");
  const { accountId } = useSession();
  const apps = useQuery({
    queryKey: ["private-apps", accountId],
    queryFn: () => api<PrivateAppList>("GET", "/api/v1/private-apps"),
  });
  return (
    <>
      <PageTitle
        actions={
          apps.data ? (
            <Group gap="xs" w={260} aria-label={`${apps.data.count} of ${apps.data.limit} private apps used`}>
              <Text size="sm" data-testid="app-count">
                {apps.data.count} of {apps.data.limit} apps
              </Text>
              <Progress
                value={(apps.data.count / apps.data.limit) * 100}
                flex={1}
                aria-hidden="true"
                color={apps.data.count >= apps.data.limit ? "red" : "blue"}
              />
            </Group>
          ) : null
        }
      >
        Private apps
      </PageTitle>
      {apps.isPending ? <Loading /> : null}
      {apps.isError ? <ErrorNotice error={apps.error} /> : null}
      {apps.data && apps.data.results.length === 0 ? (
        <EmptyState title="No private apps yet">
          Private apps are created by deploying a project that holds an app (sprocket project upload).
        </EmptyState>
      ) : null}
      {apps.data && apps.data.results.length > 0 ? (
        <Table striped highlightOnHover data-testid="private-apps">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>App ID</Table.Th>
              <Table.Th>Project</Table.Th>
              <Table.Th>Scopes</Table.Th>
              <Table.Th>Updated</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {apps.data.results.map((app) => (
              <Table.Tr key={app.appId}>
                <Table.Td>
                  <Anchor component={Link} href={paths.privateApp(accountId, app.appId)}>
                    {app.name}
                  </Anchor>{" "}
                  <AppHomeLink appId={app.appId} appName={app.name} />
                  {app.description ? (
                    <Text size="xs" c="dimmed" lineClamp={1}>
                      {app.description}
                    </Text>
                  ) : null}
                </Table.Td>
                <Table.Td>{app.appId}</Table.Td>
                <Table.Td>
                  <ProjectLink projectName={app.projectName} />
                  {app.activeBuildNumber === null ? null : (
                    <Text span size="sm" c="dimmed">
                      {" "}
                      #{app.activeBuildNumber}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Badge variant="light">{app.scopes.length}</Badge>
                </Table.Td>
                <Table.Td>{formatDate(app.updatedAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
    </>
  );
}
