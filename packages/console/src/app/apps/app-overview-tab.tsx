// The Overview tab: the app's facts, totals as stat cards, and charts of the chosen range (an hour, a day, a week).
import { lazy, Suspense, useState } from "react";
import { Group, Paper, SegmentedControl, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { api } from "../api-client";
import { ErrorNotice, formatDate, Loading } from "../page-parts";
import { useSession } from "../session";
import { OVERVIEW_RANGES, type Overview, type OverviewRange, type PrivateAppDetail } from "@sprocket/contract";
import { formatMs } from "./log-types";
import { BuildLink, ProjectLink } from "./build-link";

// A lazy chunk: it carries the chart library.
const OverviewCharts = lazy(() => import("./overview-charts"));

const rangeLabels: Record<OverviewRange, string> = { "1h": "Last hour", "1d": "Last day", "1w": "Last week" };

export const overviewQueryKey = (accountId: number, appId: number, range: OverviewRange) => [
  "private-app",
  accountId,
  String(appId),
  "overview",
  range,
];

export function useOverview(appId: number, range: OverviewRange) {
  const { accountId } = useSession();
  return useQuery({
    queryKey: overviewQueryKey(accountId, appId, range),
    queryFn: () => api<Overview>("GET", `/api/v1/private-apps/${appId}/overview?range=${range}`),
  });
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" component="dt">
        {label}
      </Text>
      <Text size="sm" component="dd" m={0} style={{ overflowWrap: "anywhere" }}>
        {children}
      </Text>
    </div>
  );
}

function Stat({ label, value, detail, testId }: { label: string; value: string; detail?: string; testId: string }) {
  return (
    <Paper withBorder p="sm" component="section" aria-label={label}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700} data-testid={testId}>
        {value}
      </Text>
      {detail ? (
        <Text size="xs" c="dimmed">
          {detail}
        </Text>
      ) : null}
    </Paper>
  );
}

const count = (n: number) => n.toLocaleString();

export function AppOverviewTab({ app }: { app: PrivateAppDetail }) {
  const [range, setRange] = useState<OverviewRange>("1d");
  const overview = useOverview(app.appId, range);
  return (
    <Stack gap="lg">
      <Paper withBorder p="md">
        <SimpleGrid cols={{ base: 2, sm: 5 }} component="dl" m={0}>
          <Fact label="App ID">{app.appId}</Fact>
          <Fact label="uid">{app.uid}</Fact>
          <Fact label="Project">
            <ProjectLink projectName={app.projectName} />
          </Fact>
          <Fact label="Active build">
            <BuildLink app={app} buildId={app.activeBuildId} />
          </Fact>
          <Fact label="Updated">{formatDate(app.updatedAt)}</Fact>
        </SimpleGrid>
        {app.description ? (
          <Text size="sm" mt="sm">
            {app.description}
          </Text>
        ) : null}
      </Paper>
      <Group justify="space-between">
        <Title order={2} size="h4">
          Activity
        </Title>
        <SegmentedControl
          aria-label="Time range"
          value={range}
          onChange={(value) => setRange(value as OverviewRange)}
          data={OVERVIEW_RANGES.map((r) => ({ value: r, label: rangeLabels[r] }))}
        />
      </Group>
      {overview.isPending ? (
        <Loading />
      ) : overview.isError ? (
        <ErrorNotice error={overview.error} />
      ) : (
        <>
          <SimpleGrid cols={{ base: 2, md: 4 }}>
            <Stat
              testId="total-api-calls"
              label="API calls"
              value={count(overview.data.totals.apiCalls)}
              detail={`${count(overview.data.totals.apiErrors)} failed`}
            />
            <Stat
              testId="total-function-runs"
              label="Function runs"
              value={count(overview.data.totals.functionRuns)}
              detail={`${count(overview.data.totals.functionErrors)} failed`}
            />
            <Stat
              testId="total-renders"
              label="Extension renders"
              value={count(overview.data.totals.renders)}
              detail={`${count(overview.data.totals.renderFailures)} failed, ${count(overview.data.totals.extensionErrors)} logged errors`}
            />
            <Stat
              testId="total-errors"
              label="Errors"
              value={count(
                overview.data.totals.apiErrors +
                  overview.data.totals.functionErrors +
                  overview.data.totals.renderFailures +
                  overview.data.totals.extensionErrors,
              )}
              detail="API calls ≥ 400, failed runs and renders"
            />
            <Stat
              testId="api-p50"
              label="API call p50"
              value={formatMs(overview.data.durations.apiCalls.p50)}
              detail={`p95 ${formatMs(overview.data.durations.apiCalls.p95)}`}
            />
            <Stat
              testId="function-p50"
              label="Function run p50"
              value={formatMs(overview.data.durations.functionRuns.p50)}
              detail={`p95 ${formatMs(overview.data.durations.functionRuns.p95)}`}
            />
          </SimpleGrid>
          <Suspense fallback={<Loading label="Loading charts" />}>
            <OverviewCharts overview={overview.data} />
          </Suspense>
        </>
      )}
    </Stack>
  );
}
