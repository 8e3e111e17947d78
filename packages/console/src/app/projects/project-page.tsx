// A project: its build and deploy history, auto-deploy and the git link.
import { lazy, Suspense } from "react";
import { Anchor, Badge, Breadcrumbs, Button, Group, Paper, Stack, Table, Tabs, Text, Title } from "@mantine/core";
import { useDocumentTitle } from "@mantine/hooks";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { Link, useSearchParams } from "wouter";
import { EmptyState, ErrorNotice, formatDate, isNotFound, Loading, NotFound, PageTitle } from "../page-parts";
import { paths } from "../paths";
import { isSuperAdmin, useSession } from "../session";
import { useMemberEmail } from "../member-emails";
import { ProjectApps } from "./project-apps";
import { DeployHistory } from "./deploy-history";
import { DevSessions } from "./dev-sessions";
import { ProjectSettings } from "./project-settings";
import { buildAuthor, buildSource, durationMs, formatDuration, projectsApi, statusColor } from "./project-types";

// The chart library is the heaviest dependency: it loads with this chart only.
const BuildDurationChart = lazy(() => import("./build-duration-chart"));
const PAGE = 20;

export default function ProjectPage({ params }: { params: { name: string } }) {
  const name = decodeURIComponent(params.name);
  useDocumentTitle(`${name} · Projects · Sprocket`);
  const session = useSession();
  const { accountId } = session;
  const emailOf = useMemberEmail();
  // The tab is in the URL, so a deploy's result can link to the deploy history.
  const [search, setSearch] = useSearchParams();
  const tab = search.get("tab") ?? "builds";
  const project = useQuery({ queryKey: ["project", accountId, name], queryFn: () => projectsApi.get(name) });
  const builds = useInfiniteQuery({
    queryKey: ["project-builds", accountId, name],
    queryFn: ({ pageParam }) => projectsApi.builds(name, PAGE, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.paging?.next?.after,
    // Builds in progress change status on their own.
    refetchInterval: (query) =>
      query.state.data?.pages.some((page) => page.results.some((b) => b.status === "PENDING" || b.status === "BUILDING")) ? 2000 : false,
  });
  const rows = builds.data?.pages.flatMap((page) => page.results) ?? [];
  if (project.isPending) return <Loading />;
  if (project.isError)
    return isNotFound(project.error) ? (
      <NotFound title="Project not found" back={{ href: paths.projects(accountId), label: "All projects" }}>
        This account has no project named “{name}”.
      </NotFound>
    ) : (
      <ErrorNotice error={project.error} />
    );
  return (
    <>
      <Breadcrumbs mb="xs" aria-label="Breadcrumb">
        <Anchor component={Link} href={paths.projects(accountId)} size="sm">
          Projects
        </Anchor>
        <Text size="sm">{name}</Text>
      </Breadcrumbs>
      <PageTitle
        actions={
          <Text size="sm" c="dimmed">
            Deployed build: {project.data.deployedBuildId ? `#${project.data.deployedBuildId}` : "none"}
          </Text>
        }
      >
        {name}
      </PageTitle>
      {isSuperAdmin(session) ? <ProjectApps project={name} /> : null}
      <Tabs
        value={tab}
        onChange={(value) => setSearch(value && value !== "builds" ? { tab: value } : {}, { replace: true })}
        keepMounted={false}
      >
        <Tabs.List mb="md">
          <Tabs.Tab value="builds">Builds</Tabs.Tab>
          <Tabs.Tab value="deploys">Deploys</Tabs.Tab>
          <Tabs.Tab value="settings">Settings</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="builds">
          <DevSessions project={name} />
          {builds.isError ? <ErrorNotice error={builds.error} /> : null}
          {builds.isPending ? <Loading /> : null}
          {builds.isSuccess && rows.length === 0 ? (
            <EmptyState title="No builds yet">Upload the project to start its first build.</EmptyState>
          ) : null}
          {rows.length > 1 ? (
            <Paper withBorder p="md" mb="md" component="section" aria-labelledby="durations-title">
              <Title order={2} size="h5" id="durations-title" mb="xs">
                Build durations
              </Title>
              <Suspense fallback={<Loading label="Loading chart" />}>
                <BuildDurationChart builds={rows} />
              </Suspense>
            </Paper>
          ) : null}
          {rows.length > 0 ? (
            <Table striped highlightOnHover aria-label="Build history">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Build</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Message</Table.Th>
                  <Table.Th>Source</Table.Th>
                  <Table.Th>By</Table.Th>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Duration</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((build) => (
                  <Table.Tr key={build.buildId}>
                    <Table.Td>
                      <Anchor component={Link} href={paths.build(accountId, name, build.buildId)}>
                        #{build.buildId}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <Badge size="sm" variant="light" color={statusColor(build.status)}>
                          {build.status}
                        </Badge>
                        {build.isDeployed ? (
                          <Badge size="sm" variant="outline" color="green">
                            Deployed
                          </Badge>
                        ) : null}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" lineClamp={1}>
                        {build.uploadMessage || "—"}
                      </Text>
                    </Table.Td>
                    <Table.Td>{buildSource(build)}</Table.Td>
                    <Table.Td>{buildAuthor(build, emailOf)}</Table.Td>
                    <Table.Td>{formatDate(build.createdAt)}</Table.Td>
                    <Table.Td>{formatDuration(durationMs(build.startedAt, build.finishedAt))}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          ) : null}
          {builds.hasNextPage ? (
            <Group justify="center" mt="sm">
              <Button variant="default" size="xs" onClick={() => void builds.fetchNextPage()} loading={builds.isFetchingNextPage}>
                Older builds
              </Button>
            </Group>
          ) : null}
        </Tabs.Panel>
        <Tabs.Panel value="deploys">
          <DeployHistory project={name} />
        </Tabs.Panel>
        <Tabs.Panel value="settings">
          <Stack>
            <ProjectSettings project={project.data} />
          </Stack>
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
