// Build durations over the builds listed, oldest first (a lazy chunk: it carries the chart library).
import "@mantine/charts/styles.css";
import { BarChart } from "@mantine/charts";
import type { Build } from "@sprocket/contract";
import { durationMs } from "./project-types";

export default function BuildDurationChart({ builds }: { builds: Build[] }) {
  const data = builds
    .filter((b) => b.finishedAt)
    .map((b) => ({
      build: `#${b.buildId}`,
      seconds: Number(((durationMs(b.startedAt, b.finishedAt) ?? 0) / 1000).toFixed(2)),
      status: b.status,
    }))
    .reverse();
  const summary = data.map((d) => `${d.build}: ${d.seconds} s`).join(", ");
  return (
    <figure style={{ margin: 0 }} aria-label={`Build durations in seconds: ${summary}`}>
      <BarChart
        h={160}
        data={data}
        dataKey="build"
        series={[{ name: "seconds", color: "blue.6", label: "Duration (s)" }]}
        tickLine="y"
        xAxisLabel="Build"
        yAxisLabel="Seconds"
        withTooltip
      />
    </figure>
  );
}
