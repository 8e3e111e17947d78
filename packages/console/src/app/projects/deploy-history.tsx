// A project's deploys, newest first: status, who, when, the build and, for a failed one, why.
import { Anchor, Badge, Button, Group, Table, Text } from "@mantine/core";
import { useInfiniteQuery } from "@tanstack/react-query";
import { Link } from "wouter";
import { EmptyState, ErrorNotice, formatDate, Loading } from "../page-parts";
import { paths } from "../paths";
import { useSession } from "../session";
import { useMemberEmail } from "../member-emails";
import type { Deploy, DeployStatus } from "@sprocket/contract";
import { deployStatusLabel, durationMs, formatDuration, isFinished, projectsApi, statusColor } from "./project-types";

const PAGE = 20;

/** Who deployed: the user's email, or the auto-deploy of a build. */
export function deployActor(deploy: Deploy, emailOf: (userId: number | null) => string): string {
  if (deploy.userEmail) return deploy.userEmail;
  return deploy.source === "AUTO_DEPLOY" ? "Auto-deploy" : emailOf(deploy.userId);
}

export function DeployStatusBadge({ status, size = "sm" }: { status: DeployStatus; size?: "sm" | "lg" }) {
  return (
    <Badge size={size} variant="light" color={statusColor(status)}>
      {deployStatusLabel(status)}
    </Badge>
  );
}

export const deploysQueryKey = (accountId: number, project: string) => ["project-deploys", accountId, project];

export function DeployHistory({ project }: { project: string }) {
  const { accountId } = useSession();
  const deploys = useInfiniteQuery({
    queryKey: deploysQueryKey(accountId, project),
    queryFn: ({ pageParam }) => projectsApi.deploys(project, PAGE, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.paging?.next?.after,
    // Deploys in progress finish on their own.
    refetchInterval: (query) => (query.state.data?.pages.some((page) => page.results.some((d) => !isFinished(d.status))) ? 1500 : false),
  });
  const rows = deploys.data?.pages.flatMap((page) => page.results) ?? [];
  if (deploys.isError) return <ErrorNotice error={deploys.error} />;
  if (deploys.isPending) return <Loading />;
  if (rows.length === 0)
    return <EmptyState title="No deploys yet">Deploy a successful build from its page, or turn on auto-deploy in Settings.</EmptyState>;
  return (
    <>
      <Table aria-label="Deploy history">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Deploy</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Build</Table.Th>
            <Table.Th>By</Table.Th>
            <Table.Th>When</Table.Th>
            <Table.Th>Duration</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((deploy) => (
            <DeployRow key={deploy.deployId} deploy={deploy} project={project} accountId={accountId} />
          ))}
        </Table.Tbody>
      </Table>
      {deploys.hasNextPage ? (
        <Group justify="center" mt="sm">
          <Button variant="default" size="xs" onClick={() => void deploys.fetchNextPage()} loading={deploys.isFetchingNextPage}>
            Older deploys
          </Button>
        </Group>
      ) : null}
    </>
  );
}

function DeployRow({ deploy, project, accountId }: { deploy: Deploy; project: string; accountId: number }) {
  const emailOf = useMemberEmail();
  return (
    <>
      <Table.Tr data-testid={`deploy-${deploy.deployId}`} data-status={deploy.status}>
        <Table.Td>#{deploy.deployId}</Table.Td>
        <Table.Td>
          <DeployStatusBadge status={deploy.status} />
        </Table.Td>
        <Table.Td>
          <Anchor component={Link} href={paths.build(accountId, project, deploy.buildId)} size="sm">
            Build #{deploy.buildId}
          </Anchor>
        </Table.Td>
        <Table.Td>{deployActor(deploy, emailOf)}</Table.Td>
        <Table.Td>{formatDate(deploy.enqueuedAt)}</Table.Td>
        <Table.Td>{formatDuration(durationMs(deploy.startedAt, deploy.finishedAt))}</Table.Td>
      </Table.Tr>
      {deploy.errorMessage ? (
        <Table.Tr>
          <Table.Td colSpan={6} pt={0}>
            <Text size="sm" c="red.8" style={{ overflowWrap: "anywhere" }}>
              {deploy.errorMessage}
            </Text>
          </Table.Td>
        </Table.Tr>
      ) : null}
    </>
  );
}
