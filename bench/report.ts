// Turns every benchmark's result file (bench/results/<bench>.json) into SVG charts (docs/performance/*.svg) and the
// generated section of docs/performance.md (between the two markers below), so the curves are redrawn by the run that
// measured them. Output depends on the result files only (no clock, no machine): the same JSON gives the same bytes.
// Run: npm run bench:report (node bench/run.mjs runs it after the benchmarks).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as vega from "vega";
import * as vl from "vega-lite";
import { z } from "zod";

export const START_MARKER = "<!-- bench:report:start -->";
export const END_MARKER = "<!-- bench:report:end -->";

// Series ids and bench names become file names; keep them to what is safe in a path and a URL.
const fileSafe = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "letters, digits, '.', '_' and '-' only");

const PointSchema = z.object({ x: z.number(), y: z.number(), label: z.string().optional() });
const SeriesSchema = z.object({
  id: fileSafe,
  title: z.string().min(1),
  unit: z.string().min(1),
  xLabel: z.string().min(1),
  points: z.array(PointSchema).min(1),
  goal: z.number().optional(),
  baseline: z.number().optional(),
});
const RatioSchema = z.object({
  id: z.string().min(1),
  title: z.string().min(1),
  value: z.number(),
  goal: z.number().optional(),
  met: z.boolean(),
});
export const ResultSchema = z
  .object({
    bench: fileSafe,
    command: z.string().min(1),
    measuredAt: z.string().refine((s) => !Number.isNaN(Date.parse(s)), "an ISO date"),
    machine: z.string().min(1),
    series: z.array(SeriesSchema),
    ratios: z.array(RatioSchema),
  })
  .superRefine((r, ctx) => {
    const seen = new Set<string>();
    r.series.forEach((s, i) => {
      if (seen.has(s.id)) ctx.addIssue({ code: "custom", path: ["series", i, "id"], message: `series id "${s.id}" used twice` });
      seen.add(s.id);
    });
  });
export type BenchResult = z.infer<typeof ResultSchema>;
export type Series = BenchResult["series"][number];

/** Reads and checks every *.json in `dir`, in name order. Throws one error naming every malformed file and why. */
export function loadResults(dir: string): BenchResult[] {
  const names = fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.endsWith(".json")) : [];
  const results: BenchResult[] = [];
  const problems: string[] = [];
  for (const name of names.sort()) {
    const file = path.join(dir, name);
    let json: unknown;
    try {
      json = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
      problems.push(`${file}: not JSON (${(err as Error).message})`);
      continue;
    }
    const parsed = ResultSchema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `  ${i.path.length ? i.path.join(".") : "(top level)"}: ${i.message}`);
      problems.push(`${file}: not a benchmark result\n${issues.join("\n")}`);
    } else if (parsed.data.bench !== path.basename(name, ".json")) {
      // Chart names come from `bench`; two files claiming one bench would overwrite each other's charts.
      problems.push(`${file}: "bench" is "${parsed.data.bench}", the file name says "${path.basename(name, ".json")}"`);
    } else results.push(parsed.data);
  }
  if (problems.length) throw new Error(`malformed benchmark result file(s):\n${problems.join("\n")}`);
  return results;
}

/** A bench's series drawn together: those sharing a size axis and a unit (their lines can be read on one scale). */
export interface Chart {
  file: string;
  title: string;
  series: Series[];
}

export function chartsOf(result: BenchResult): Chart[] {
  const groups = new Map<string, Series[]>();
  for (const s of result.series) {
    const key = `${s.xLabel}\u0000${s.unit}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  return [...groups.values()].map((series) => {
    const { xLabel, unit } = series[0]!;
    if (series.length === 1) return { file: `${result.bench}-${series[0]!.id}.svg`, title: series[0]!.title, series };
    return { file: `${result.bench}-${slug(unit)}-by-${slug(xLabel)}.svg`, title: commonTitle(series) ?? `${unit} by ${xLabel}`, series };
  });
}

const slug = (s: string) =>
  s
    .replace(/µ/g, "u")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "") || "x";

/** What the series' titles share up to a comma or colon ("search, SQLite" and "search, PostgreSQL" → "search"). */
function commonTitle(series: Series[]): string | undefined {
  const titles = series.map((s) => s.title);
  let n = 0;
  while (titles.every((t) => n < t.length && t[n] === titles[0]![n])) n++;
  const shared = titles[0]!.slice(0, n);
  // Only a whole clause names the chart: "navigation → " shared by two different measures would not.
  const end = Math.max(shared.lastIndexOf(","), shared.lastIndexOf(":"));
  return end > 0 ? shared.slice(0, end).trim() : undefined;
}

/** Numbers as a reader wants them: 12,346 / 12.3 / 0.345, with no locale data involved (ICU differs between builds). */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  const text = abs >= 100 ? Math.round(v).toString() : abs >= 10 ? Number(v.toFixed(1)).toString() : Number(v.toPrecision(3)).toString();
  const [int, frac] = text.split(".");
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

/** "2026-12-06 15:40 UTC": the measuring moment, read the same whatever the reader's time zone. */
export function formatDate(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** Splits a long caption at ", " into lines of at most `width` characters (a chart's title does not wrap itself). */
function wrap(text: string, width = 90): string[] {
  const lines: string[] = [];
  let line = "";
  for (const part of text.split(/(?<=, )/)) {
    if (line && (line + part).length > width) {
      lines.push(line.trimEnd());
      line = "";
    }
    line += part;
  }
  if (line) lines.push(line.trimEnd());
  return lines;
}

const WIDTH = 480;
// Vega's default categorical scheme (tableau10), spelled out so goal lines can take their series' colour.
const PALETTE = ["#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#eeca3b", "#b279a2", "#ff9da6", "#9d755d", "#bab0ac"];
const HEIGHT = 260;

/** The Vega-Lite spec of one chart: a line per series, the goal dashed and the baseline dotted in the series' colour. */
export function chartSpec(result: BenchResult, chart: Chart): vl.TopLevelSpec {
  const xs = [...new Set(chart.series.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b);
  const minX = xs[0]!;
  const maxX = xs[xs.length - 1]!;
  // Sizes like 10k / 100k / 1M are read on a log axis; a linear one would crush the small ones against the origin.
  const log = minX > 0 && maxX / minX >= 100;
  const unit = chart.series[0]!.unit;
  const xLabel = chart.series[0]!.xLabel;
  const points = chart.series.flatMap((s) => s.points.map((p) => ({ series: s.title, x: p.x, y: p.y })));
  const seriesNames = chart.series.map((s) => s.title);
  const colorOf = new Map(seriesNames.map((name, i) => [name, PALETTE[i % PALETTE.length]!]));
  // A goal or baseline several series share is drawn once, in grey; one series' own is drawn in its colour.
  const lines: { kind: "goal" | "baseline"; y: number; text: string; stroke: string }[] = [];
  for (const kind of ["goal", "baseline"] as const) {
    const values = [...new Set(chart.series.flatMap((s) => (s[kind] === undefined ? [] : [s[kind]])))];
    for (const value of values) {
      const owners = chart.series.filter((s) => s[kind] === value);
      const stroke = owners.length > 1 ? "#555" : colorOf.get(owners[0]!.title)!;
      lines.push({ kind, y: value, text: `${kind} ${formatNumber(value)} ${unit}`, stroke });
    }
  }
  const color = {
    field: "series",
    type: "nominal" as const,
    scale: { domain: seriesNames, range: seriesNames.map((n) => colorOf.get(n)!) },
    // One series needs no legend: the title names it.
    legend: seriesNames.length > 1 ? { orient: "bottom" as const, title: null, direction: "vertical" as const, labelLimit: 0 } : null,
  };
  // The colours of goal and baseline lines are given as they are (scale null), not mapped through the series' scale.
  const stroke = { field: "stroke", type: "nominal" as const, scale: null };
  // Cost spanning decades too (validation of 1 against 100 components) is read on a log axis as well: on log-log, the
  // slope is how it grows (1 is linear), where a linear y over a log x makes linear growth look explosive.
  const ys = [...points.map((p) => p.y), ...lines.map((l) => l.y)];
  const yLog = Math.min(...ys) > 0 && Math.max(...ys) / Math.min(...ys) >= 100;
  const y = {
    field: "y",
    type: "quantitative" as const,
    title: unit,
    scale: yLog ? { type: "log" as const } : {},
    // A log axis otherwise draws a grid line at every 2, 3, … 9 of each decade.
    axis: yLog ? { tickCount: 4, format: "~s" } : {},
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: WIDTH,
    height: HEIGHT,
    background: "white",
    padding: 12,
    title: {
      text: `${result.bench}: ${chart.title}`,
      subtitle: [...wrap(result.machine), `measured ${formatDate(result.measuredAt)}`],
      anchor: "start",
      subtitleColor: "#555",
      limit: 0,
    },
    layer: [
      {
        data: { values: points },
        mark: { type: "line", point: true, clip: false },
        encoding: {
          x: {
            field: "x",
            type: "quantitative",
            title: xLabel,
            scale: log ? { type: "log" } : { zero: false },
            // Ticks at the measured sizes only, in SI form (10k, 1M).
            axis: { values: xs, format: "~s", grid: false },
          },
          y,
          color,
        },
      },
      ...(lines.length
        ? [
            {
              data: { values: lines },
              layer: [
                {
                  mark: { type: "rule" as const, strokeWidth: 1.5 },
                  encoding: {
                    y,
                    color: stroke,
                    strokeDash: {
                      field: "kind",
                      type: "nominal" as const,
                      scale: {
                        domain: ["goal", "baseline"],
                        range: [
                          [6, 4],
                          [2, 3],
                        ],
                      },
                      legend: null,
                    },
                  },
                },
                {
                  mark: { type: "text" as const, align: "right" as const, baseline: "bottom" as const, dy: -2, fontSize: 10 },
                  encoding: { y, x: { value: WIDTH }, text: { field: "text" }, color: stroke },
                },
              ],
            },
          ]
        : []),
    ],
    config: { font: "sans-serif", view: { stroke: "#ddd" } },
  } as vl.TopLevelSpec;
}

// vega re-exports vega-scenegraph's text measurer at run time; its type declarations leave it out.
const { textMetrics } = vega as unknown as { textMetrics: { canvas(use: boolean): void } };

/** One chart as SVG text. Vega numbers its SVG definitions per process and may measure text with a canvas package when
 * one is installed; both are fixed here so a chart's bytes depend on its data only. */
export async function renderChart(result: BenchResult, chart: Chart): Promise<string> {
  vega.resetSVGDefIds();
  textMetrics.canvas(false);
  const view = new vega.View(vega.parse(vl.compile(chartSpec(result, chart)).spec), { renderer: "none" });
  try {
    return `${await view.toSVG()}\n`;
  } finally {
    view.finalize();
  }
}

const cell = (s: string) => s.replace(/\|/g, "\\|");

/** The generated Markdown, markers included; `chartsHref` is the charts folder relative to the Markdown file. */
export function renderSection(results: BenchResult[], chartsHref: string): string {
  const out = [
    START_MARKER,
    "## How cost grows with size (generated)",
    "",
    "Written by `npm run bench:report` (and at the end of `node bench/run.mjs`) from `bench/results/*.json`, each file the",
    "last run of one benchmark; do not edit between the markers. Each benchmark's own section below has the story.",
    "",
  ];
  if (!results.length) out.push("No result files yet.", "");
  for (const r of results) {
    out.push(`### bench/${r.bench}`, "");
    out.push(`\`${r.command}\`, measured ${formatDate(r.measuredAt)} on: ${r.machine}.`, "");
    for (const chart of chartsOf(r)) {
      const xs = [...new Set(chart.series.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b);
      const unit = chart.series[0]!.unit;
      out.push(`| ${cell(chart.series[0]!.xLabel)} | ${chart.series.map((s) => `${cell(s.title)} (${cell(unit)})`).join(" | ")} |`);
      out.push(`| ---: | ${chart.series.map(() => "---:").join(" | ")} |`);
      for (const x of xs) {
        const values = chart.series.map((s) => {
          const p = s.points.find((q) => q.x === x);
          return p ? `${formatNumber(p.y)}${p.label ? ` (${cell(p.label)})` : ""}` : "–";
        });
        out.push(`| ${formatNumber(x)} | ${values.join(" | ")} |`);
      }
      for (const kind of ["goal", "baseline"] as const) {
        if (chart.series.some((s) => s[kind] !== undefined))
          out.push(`| ${kind} | ${chart.series.map((s) => (s[kind] === undefined ? "–" : formatNumber(s[kind]))).join(" | ")} |`);
      }
      out.push("", `![${cell(r.bench)}: ${chart.title}](${chartsHref}/${chart.file})`, "");
    }
    if (r.ratios.length) {
      out.push("| ratio | value | goal | met |", "| --- | ---: | ---: | --- |");
      for (const q of r.ratios)
        out.push(
          `| ${cell(q.title)} | ${formatNumber(q.value)} | ${q.goal === undefined ? "–" : formatNumber(q.goal)} | ${q.goal === undefined ? "–" : q.met ? "met" : "**not met**"} |`,
        );
      out.push("");
    }
  }
  out.push(END_MARKER);
  return out.join("\n");
}

/** Puts the section between the markers, or, the first time, before the document's first `## ` heading. */
export function spliceSection(doc: string, section: string): string {
  const start = doc.indexOf(START_MARKER);
  const end = doc.indexOf(END_MARKER);
  if (start >= 0 && end > start) return doc.slice(0, start) + section + doc.slice(end + END_MARKER.length);
  const firstHeading = doc.search(/^## /m);
  if (firstHeading < 0) return `${doc.trimEnd()}\n\n${section}\n`;
  return `${doc.slice(0, firstHeading)}${section}\n\n${doc.slice(firstHeading)}`;
}

export interface ReportPaths {
  resultsDir: string;
  chartsDir: string;
  docPath: string;
}

/** Writes every chart and the doc's section; removes charts no result file draws any more. Returns the files written. */
export async function writeReport({ resultsDir, chartsDir, docPath }: ReportPaths): Promise<string[]> {
  const results = loadResults(resultsDir);
  fs.mkdirSync(chartsDir, { recursive: true });
  const written: string[] = [];
  for (const r of results) {
    for (const chart of chartsOf(r)) {
      const file = path.join(chartsDir, chart.file);
      const svg = await renderChart(r, chart);
      // Unchanged bytes are not rewritten, so a re-run leaves files (and their mtimes) alone.
      if (!fs.existsSync(file) || fs.readFileSync(file, "utf8") !== svg) fs.writeFileSync(file, svg);
      written.push(file);
    }
  }
  for (const name of fs.readdirSync(chartsDir)) {
    if (name.endsWith(".svg") && !written.includes(path.join(chartsDir, name))) fs.rmSync(path.join(chartsDir, name));
  }
  const href = path.relative(path.dirname(docPath), chartsDir).split(path.sep).join("/");
  const doc = fs.existsSync(docPath) ? fs.readFileSync(docPath, "utf8") : "# Performance\n";
  const next = spliceSection(doc, renderSection(results, href));
  if (next !== doc) fs.writeFileSync(docPath, next);
  return [...written, docPath];
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  try {
    const files = await writeReport({
      resultsDir: path.join(root, "bench", "results"),
      chartsDir: path.join(root, "docs", "performance"),
      docPath: path.join(root, "docs", "performance.md"),
    });
    console.log(`bench:report: ${files.map((f) => path.relative(root, f)).join(", ")}`);
  } catch (err) {
    console.error((err as Error).message);
    process.exitCode = 1;
  }
}
