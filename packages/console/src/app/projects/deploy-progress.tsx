// A deploy the user just started, followed to its end: queued and running, then live or failed with the reason.
import { useEffect } from "react";
import { Alert, Anchor, Group, Loader, Text } from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "wouter";
import { ErrorNotice } from "../page-parts";
import { paths } from "../paths";
import { useSession } from "../session";
import { DeployStatusBadge } from "./deploy-history";
import { isFinished, projectsApi } from "./project-types";

/** Query keys of everything a finished deploy changes. */
const changedByDeploy = ["project", "project-builds", "project-deploys", "build"];

export function DeployProgress({ project, deployId }: { project: string; deployId: number }) {
  const { accountId } = useSession();
  const queryClient = useQueryClient();
  const deploy = useQuery({
    queryKey: ["deploy", accountId, project, deployId],
    queryFn: () => projectsApi.deployStatus(project, deployId),
    refetchInterval: (query) => (query.state.data && isFinished(query.state.data.status) ? false : 1000),
  });
  const finished = deploy.data && isFinished(deploy.data.status);
  useEffect(() => {
    if (finished) void queryClient.invalidateQueries({ predicate: (q) => changedByDeploy.includes(String(q.queryKey[0])) });
  }, [finished, queryClient]);
  if (deploy.isError) return <ErrorNotice error={deploy.error} title={`Cannot follow deploy #${deployId}`} />;
  const d = deploy.data;
  const status = d?.status ?? "PENDING";
  const history = (
    <Anchor component={Link} href={`${paths.project(accountId, project)}?tab=deploys`} size="sm">
      Deploy history
    </Anchor>
  );
  if (status === "FAILURE") {
    return (
      <Alert color="red" mb="md" role="alert" title={`Deploy #${deployId} failed`} data-testid="deploy-progress" data-status={status}>
        <Text size="sm" style={{ overflowWrap: "anywhere" }}>
          {d?.errorMessage ?? "The deploy failed."}
        </Text>
        <Text size="sm" mt={4}>
          Nothing was changed: the build deployed before stays live. {history}
        </Text>
      </Alert>
    );
  }
  if (status === "SUCCESS") {
    return (
      <Alert color="green" mb="md" role="status" title={`Deploy #${deployId} succeeded`} data-testid="deploy-progress" data-status={status}>
        <Text size="sm">
          Build #{d?.buildId} is live. {history}
        </Text>
      </Alert>
    );
  }
  return (
    <Alert color="blue" mb="md" role="status" data-testid="deploy-progress" data-status={status}>
      <Group gap="xs">
        <Loader size="xs" aria-hidden="true" />
        <Text size="sm">Deploy #{deployId}</Text>
        <DeployStatusBadge status={status} />
        <Text size="sm" c="dimmed">
          {status === "PENDING" ? "waiting to start…" : "provisioning apps, cards and functions…"}
        </Text>
      </Group>
    </Alert>
  );
}
