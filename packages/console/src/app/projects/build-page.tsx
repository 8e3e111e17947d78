// One build: each sub-build with its errors at file:line and the source line, and deploying it.
import { Alert, Anchor, Badge, Breadcrumbs, Button, Code, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { useDocumentTitle } from "@mantine/hooks";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "wouter";
import { ApiRequestError } from "../api-client";
import { ErrorNotice, formatDate, isNotFound, Loading, NotFound, PageTitle } from "../page-parts";
import { paths } from "../paths";
import { useSession } from "../session";
import { useMemberEmail } from "../member-emails";
import type { BuildError, SubBuild } from "@sprocket/contract";
import { buildAuthor, buildSource, durationMs, formatDuration, projectsApi, statusColor } from "./project-types";
import { DeployProgress } from "./deploy-progress";
import { loadSourceFiles, type SourceFiles } from "./source-lines";

function ErrorLocation({ error, files }: { error: BuildError; files: SourceFiles | undefined }) {
  const { file, line, column } = error.context ?? {};
  const source = file && line ? files?.(file)?.[line - 1] : undefined;
  return (
    <li>
      <Text size="sm">{error.message}</Text>
      {file ? (
        <Text size="xs" ff="monospace" c="dimmed">
          {file}
          {line ? `:${line}` : ""}
          {column ? `:${column}` : ""}
          {error.context?.code ? ` (${error.context.code})` : ""}
        </Text>
      ) : null}
      {source !== undefined ? (
        <Code block mt={4} aria-label={`Source of ${file} line ${line}`}>
          {`${line} | ${source}`}
          {column ? `\n${" ".repeat(String(line).length)} | ${" ".repeat(Math.max(0, column - 1))}^` : ""}
        </Code>
      ) : null}
    </li>
  );
}

function SubBuildCard({ sub, files }: { sub: SubBuild; files: SourceFiles | undefined }) {
  const errors = sub.standardError?.errors ?? [];
  return (
    <Paper withBorder p="sm" component="section" aria-label={`${sub.buildName} (${sub.buildType})`}>
      <Group justify="space-between">
        <Group gap="xs">
          <Text fw={600}>{sub.buildName}</Text>
          <Text size="xs" c="dimmed">
            {sub.buildType}
            {sub.rootPath ? ` · ${sub.rootPath}` : ""}
          </Text>
        </Group>
        <Group gap="xs">
          <Text size="xs" c="dimmed">
            {formatDuration(durationMs(sub.startedAt, sub.finishedAt))}
          </Text>
          <Badge size="sm" variant="light" color={statusColor(sub.status)}>
            {sub.status}
          </Badge>
        </Group>
      </Group>
      {sub.errorMessage ? (
        <Text size="sm" c="red.8" mt="xs">
          {sub.errorMessage}
        </Text>
      ) : null}
      {errors.length > 0 ? (
        <Stack gap="xs" component="ul" mt="xs" pl="md">
          {errors.map((error, i) => (
            <ErrorLocation key={i} error={error} files={files} />
          ))}
        </Stack>
      ) : null}
    </Paper>
  );
}

export default function BuildPage({ params }: { params: { name: string; buildId: string } }) {
  const name = decodeURIComponent(params.name);
  const buildId = Number(params.buildId);
  useDocumentTitle(`Build #${params.buildId} · ${name} · Sprocket`);
  const session = useSession();
  const emailOf = useMemberEmail();
  const { accountId } = session;
  const queryClient = useQueryClient();
  const build = useQuery({
    queryKey: ["build", accountId, name, buildId],
    queryFn: () => projectsApi.build(name, buildId),
    enabled: Number.isInteger(buildId),
    refetchInterval: (query) => (query.state.data && ["PENDING", "BUILDING"].includes(query.state.data.status) ? 1500 : false),
  });
  const hasLocatedErrors = build.data?.subbuildStatuses.some((s) => s.standardError?.errors.some((e) => e.context?.file && e.context.line));
  const files = useQuery({
    queryKey: ["build-source", accountId, name, buildId],
    queryFn: () => loadSourceFiles(name, buildId),
    enabled: !!hasLocatedErrors,
    staleTime: Infinity,
  });
  const deploy = useMutation({
    mutationFn: (skipRemovalWarning: boolean) => projectsApi.deploy(name, buildId, skipRemovalWarning),
    // The deploy starts now; DeployProgress follows it and refreshes what it changes.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["project-deploys", accountId, name] }),
  });
  if (!Number.isInteger(buildId) || isNotFound(build.error))
    return (
      <NotFound title="Build not found" back={{ href: paths.project(accountId, name), label: `Back to ${name}` }}>
        Project “{name}” has no build “{params.buildId}” in this account.
      </NotFound>
    );
  if (build.isPending) return <Loading />;
  if (build.isError) return <ErrorNotice error={build.error} />;
  const b = build.data;
  const removalWarning = deploy.error instanceof ApiRequestError && deploy.error.status === 400 && /remove/i.test(deploy.error.message);
  return (
    <>
      <Breadcrumbs mb="xs" aria-label="Breadcrumb">
        <Anchor component={Link} href={paths.projects(accountId)} size="sm">
          Projects
        </Anchor>
        <Anchor component={Link} href={paths.project(accountId, name)} size="sm">
          {name}
        </Anchor>
        <Text size="sm">Build #{b.buildId}</Text>
      </Breadcrumbs>
      <PageTitle
        actions={
          <Button onClick={() => deploy.mutate(false)} loading={deploy.isPending} disabled={b.status !== "SUCCESS" || b.isDeployed}>
            {b.isDeployed ? "Deployed" : "Deploy this build"}
          </Button>
        }
      >
        Build #{b.buildId}{" "}
        <Badge variant="light" color={statusColor(b.status)} size="lg" style={{ verticalAlign: "middle" }}>
          {b.status}
        </Badge>
      </PageTitle>
      <Text size="sm" mb="md">
        {b.uploadMessage || "No message"} · {buildSource(b)} · by {buildAuthor(b, emailOf)} · {formatDate(b.createdAt)} · took{" "}
        {formatDuration(durationMs(b.startedAt, b.finishedAt))} · platform {b.platformVersion ?? "—"}
      </Text>
      {deploy.isSuccess ? <DeployProgress project={name} deployId={deploy.data.id} /> : null}
      {removalWarning ? (
        <Alert color="yellow" mb="md" title="This deploy removes components">
          <Text size="sm">{deploy.error?.message}</Text>
          <Button mt="xs" size="xs" color="yellow" onClick={() => deploy.mutate(true)}>
            Deploy anyway
          </Button>
        </Alert>
      ) : deploy.error ? (
        <ErrorNotice error={deploy.error} title="Not deployed" />
      ) : null}
      {b.errorMessage ? (
        <Alert color="red" mb="md" title="Build failed">
          {b.errorMessage}
        </Alert>
      ) : null}
      {files.isError ? (
        <Text size="xs" c="dimmed" mb="xs">
          {files.error.message}
        </Text>
      ) : null}
      <Title order={2} size="h4" mb="sm">
        Steps
      </Title>
      <Stack gap="sm">
        {b.subbuildStatuses.map((sub) => (
          <SubBuildCard key={sub.id} sub={sub} files={files.data} />
        ))}
      </Stack>
    </>
  );
}
