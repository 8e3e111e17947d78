// The Overview tab's charts (a lazy chunk: it carries the chart library). Each chart says its numbers in its label too.
import "@mantine/charts/styles.css";
import { BarChart, LineChart } from "@mantine/charts";
import { Paper, SimpleGrid, Text, Title } from "@mantine/core";
import type { Overview } from "@sprocket/contract";
import { formatMs } from "./log-types";

const outcomeColors: Record<string, string> = { SUCCESS: "teal.6", ERROR: "red.6", TIMEOUT: "orange.6", CRASHED: "grape.6" };

function ChartPanel({ title, summary, children }: { title: string; summary: string; children: React.ReactNode }) {
  const id = `chart-${title.toLowerCase().replace(/\W+/g, "-")}`;
  return (
    <Paper withBorder p="md" component="figure" m={0} aria-labelledby={id} aria-describedby={`${id}-summary`}>
      <Title order={3} size="h6" id={id} mb="xs">
        {title}
      </Title>
      {children}
      <Text size="xs" c="dimmed" component="figcaption" id={`${id}-summary`} mt="xs">
        {summary}
      </Text>
    </Paper>
  );
}

export default function OverviewCharts({ overview }: { overview: Overview }) {
  const format: Intl.DateTimeFormatOptions =
    overview.range === "1w" ? { weekday: "short", hour: "2-digit", minute: "2-digit" } : { hour: "2-digit", minute: "2-digit" };
  const outcomes = [...new Set(overview.buckets.flatMap((b) => Object.keys(b.functionRuns)))].sort();
  const data = overview.buckets.map((b) => ({
    time: new Date(b.start).toLocaleString(undefined, format),
    ...b.apiCalls,
    ...Object.fromEntries(outcomes.map((o) => [o, b.functionRuns[o] ?? 0])),
    rendered: b.renders.success,
    "render failed": b.renders.failure,
    errors: b.errors,
  }));
  const { totals, durations } = overview;
  const ms = (v: number | null) => (v === null ? "none" : formatMs(v));
  const round = (v: number | null) => Math.round((v ?? 0) * 10) / 10;
  const percentiles = [
    { kind: "API calls", p50: round(durations.apiCalls.p50), p95: round(durations.apiCalls.p95) },
    { kind: "Function runs", p50: round(durations.functionRuns.p50), p95: round(durations.functionRuns.p95) },
  ];
  const common = {
    h: 180,
    data,
    dataKey: "time",
    tickLine: "y" as const,
    withTooltip: true,
    withLegend: true,
    legendProps: { verticalAlign: "bottom" as const, height: 30 },
    xAxisLabel: overview.range === "1w" ? "Day and time" : "Time",
    // Counts: whole-number ticks (recharts would otherwise pick 0, 1.5, 3 or skip to 4).
    yAxisProps: { allowDecimals: false },
  };
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      <ChartPanel title="API calls by status" summary={`${totals.apiCalls} calls, ${totals.apiErrors} with status 400 or above.`}>
        <BarChart
          {...common}
          yAxisLabel="Calls"
          type="stacked"
          series={[
            { name: "2xx", color: "teal.6" },
            { name: "3xx", color: "blue.6" },
            { name: "4xx", color: "orange.6" },
            { name: "5xx", color: "red.6" },
          ]}
        />
      </ChartPanel>
      <ChartPanel title="Function runs by outcome" summary={`${totals.functionRuns} runs, ${totals.functionErrors} not successful.`}>
        <BarChart
          {...common}
          yAxisLabel="Runs"
          type="stacked"
          series={(outcomes.length ? outcomes : ["SUCCESS"]).map((o) => ({ name: o, color: outcomeColors[o] ?? "gray.6" }))}
        />
      </ChartPanel>
      <ChartPanel
        title="Extension renders"
        summary={`${totals.renders} renders, ${totals.renderFailures} failed; ${totals.extensionErrors} logger errors.`}
      >
        <BarChart
          {...common}
          yAxisLabel="Renders"
          type="stacked"
          series={[
            { name: "rendered", color: "teal.6", label: "Rendered" },
            { name: "render failed", color: "red.6", label: "Failed" },
          ]}
        />
      </ChartPanel>
      <ChartPanel
        title="Errors"
        summary={`${totals.apiErrors + totals.functionErrors + totals.renderFailures + totals.extensionErrors} errors in the range.`}
      >
        <LineChart
          {...common}
          yAxisLabel="Errors"
          curveType="linear"
          withDots={false}
          series={[{ name: "errors", color: "red.6", label: "Errors" }]}
        />
      </ChartPanel>
      <ChartPanel
        title="Duration percentiles"
        summary={`API calls p50 ${ms(durations.apiCalls.p50)}, p95 ${ms(durations.apiCalls.p95)}; function runs p50 ${ms(durations.functionRuns.p50)}, p95 ${ms(durations.functionRuns.p95)}.`}
      >
        <BarChart
          h={180}
          data={percentiles}
          dataKey="kind"
          unit=" ms"
          xAxisLabel="Kind"
          yAxisLabel="Duration (ms)"
          withLegend
          withTooltip
          legendProps={{ verticalAlign: "bottom", height: 30 }}
          series={[
            { name: "p50", color: "blue.6" },
            { name: "p95", color: "indigo.9" },
          ]}
        />
      </ChartPanel>
    </SimpleGrid>
  );
}
