// The report generator on a results file of known content (bench/fixtures/results/search.json): the charts hold its
// points and goal line, the Markdown its tables, a second run changes no byte, and a malformed file is named.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { END_MARKER, START_MARKER, writeReport } from "./report";

const FIXTURE = path.join(import.meta.dirname, "fixtures", "results", "search.json");
const dirs: string[] = [];

function workspace(doc: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sprocket-bench-report-"));
  dirs.push(dir);
  const resultsDir = path.join(dir, "results");
  fs.mkdirSync(resultsDir);
  fs.copyFileSync(FIXTURE, path.join(resultsDir, "search.json"));
  const docPath = path.join(dir, "docs", "performance.md");
  fs.mkdirSync(path.dirname(docPath));
  fs.writeFileSync(docPath, doc);
  return { resultsDir, chartsDir: path.join(dir, "docs", "performance"), docPath };
}

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("bench/report.ts", () => {
  it("draws each series' points and goal, writes the section between the markers, and is byte-stable", async () => {
    const handWritten = "## Fixed cost per request\n\nHand-written figures.\n";
    const paths = workspace(`# Performance\n\nIntro.\n\n${handWritten}`);
    await writeReport(paths);

    // Series sharing a unit and a size axis share a chart; the other has its own.
    expect(fs.readdirSync(paths.chartsDir).sort()).toEqual(["search-ms-by-contacts.svg", "search-rss.svg"]);
    const shared = fs.readFileSync(path.join(paths.chartsDir, "search-ms-by-contacts.svg"), "utf8");
    expect(shared.startsWith("<svg")).toBe(true);
    for (const point of ["contacts: 10k; ms: 2.5", "contacts: 1M; ms: 18.75", "contacts: 1M; ms: 27.25"]) expect(shared).toContain(point);
    expect(shared).toContain('stroke-dasharray="6,4"'); // the goal, dashed
    expect(shared).toContain("goal 20 ms");
    expect(shared).toContain("load average 3.10 2.80 2.50");
    expect(shared).toContain("2026-12-06 15:40 UTC");
    const rss = fs.readFileSync(path.join(paths.chartsDir, "search-rss.svg"), "utf8");
    expect(rss).toContain("baseline 95 MB");
    expect(rss).toContain("log scale"); // 10k to 1M spans decades

    const doc = fs.readFileSync(paths.docPath, "utf8");
    const section = doc.slice(doc.indexOf(START_MARKER), doc.indexOf(END_MARKER));
    expect(doc.indexOf(START_MARKER)).toBeLessThan(doc.indexOf(handWritten));
    expect(doc.endsWith(handWritten)).toBe(true);
    expect(section).toContain("| 1,000,000 | 18.8 (seeded in bulk) | 27.3 |");
    expect(section).toContain("| goal | 20 | 20 |");
    expect(section).toContain("| PostgreSQL / SQLite at 1M | 1.45 | 1.5 | met |");
    expect(section).toContain("| 1M / 10k (SQLite) | 7.5 | 5 | **not met** |");
    expect(section).toContain("| RSS at 1M / baseline | 4.84 | – | – |"); // no goal: nothing to meet
    expect(section).toContain("](performance/search-ms-by-contacts.svg)");
    expect(section).toContain("`npx tsx --conditions=sprocket-source bench/search/run.ts`");

    // A second run: same bytes everywhere, the hand-written part kept, a chart nothing draws any more removed.
    fs.writeFileSync(path.join(paths.chartsDir, "gone-series.svg"), "<svg/>");
    await writeReport(paths);
    expect(fs.readFileSync(path.join(paths.chartsDir, "search-ms-by-contacts.svg"), "utf8")).toBe(shared);
    expect(fs.readFileSync(paths.docPath, "utf8")).toBe(doc);
    expect(fs.existsSync(path.join(paths.chartsDir, "gone-series.svg"))).toBe(false);
  });

  it("refuses a malformed result file, naming it and the field, and writes nothing", async () => {
    const paths = workspace("# Performance\n");
    const bad = JSON.parse(fs.readFileSync(FIXTURE, "utf8"));
    bad.bench = "logs";
    bad.series[1].points[2].y = null; // what JSON.stringify makes of NaN
    fs.writeFileSync(path.join(paths.resultsDir, "logs.json"), JSON.stringify(bad));

    await expect(writeReport(paths)).rejects.toThrow(/logs\.json: not a benchmark result\n\s+series\.1\.points\.2\.y: /);
    expect(fs.existsSync(paths.chartsDir)).toBe(false);
    expect(fs.readFileSync(paths.docPath, "utf8")).toBe("# Performance\n");
  });
});
