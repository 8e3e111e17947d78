import {
  hasErrors,
  validateProject,
  validateSource,
  type Diagnostic,
  type ProjectFiles,
  type ProjectModel,
} from "@sprocket/project-format";
import { unsafeUniformIntDistribution, xoroshiro128plus, type RandomGenerator } from "pure-rand";
import { beforeAll, describe, expect, it } from "vitest";
import { fixture } from "./fixture-files";
import { hsmetaSample } from "./hsmeta-sample";

// Seeded: a failure prints its seed and mutation, and rerunning reproduces it.
const seed = 20240611;
const runs = 10_000;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

class Random {
  private rng: RandomGenerator;
  constructor(s: number) {
    this.rng = xoroshiro128plus(s);
  }
  int(max: number): number {
    return unsafeUniformIntDistribution(0, max - 1, this.rng);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

const oddValues: Json[] = [
  null,
  true,
  false,
  0,
  -1.5,
  1e308,
  "",
  " ",
  "x",
  "crm.objects.contacts.read",
  "../../../etc/passwd",
  "/abs/path.js",
  "a b",
  "💥",
  "x".repeat(80),
  "p_thing",
  "CONTACT",
  "GET",
  [],
  {},
  [1, "a", null],
  { a: 1 },
  [{}],
  [""],
  ["crm.record.tab"],
];
const renames = (key: string): string[] => [
  `${key}s`,
  key.toUpperCase(),
  key.slice(1),
  `_${key}`,
  "",
  "uid",
  "type",
  "data",
  "config",
  "file",
];
const corruptChars = [
  "{",
  "}",
  "[",
  "]",
  ",",
  ":",
  '"',
  "\\",
  " ",
  "\n",
  "\t",
  "'",
  "/",
  "*",
  "a",
  "0",
  "-",
  ".",
  "e",
  "\u0000",
  "\u00a0",
  "\uFEFF",
  "é",
];

function paths(value: Json, prefix: Path = []): Path[] {
  if (value === null || typeof value !== "object") return [];
  const entries: [string | number, Json][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([k, v]) => [[...prefix, k], ...paths(v, [...prefix, k])]);
}

function parentOf(root: Json, path: Path): Record<string | number, Json> {
  return path.slice(0, -1).reduce<any>((node, key) => node[key], root);
}

/** Applies one random mutation; returns its description (for failure messages) and the JSON file it corrupted, if any. */
function mutate(files: Map<string, string | Uint8Array>, r: Random): { what: string; corrupted?: string } {
  const all = [...files.keys()];
  const jsonFiles = all.filter((p) => p.endsWith(".json"));
  const op = r.int(10);
  if (op === 0) {
    const file = r.pick(all);
    files.delete(file);
    return { what: `remove ${file}` };
  }
  const file = r.pick(jsonFiles);
  const text = files.get(file) as string;
  if (op <= 2) {
    const chars = [...text];
    for (let n = 1 + r.int(3); n > 0; n--) {
      const at = r.int(chars.length + 1);
      const kind = r.int(3);
      if (kind === 0) chars.splice(at, 1);
      else chars.splice(at, kind === 1 ? 0 : 1, r.pick(corruptChars));
    }
    files.set(file, chars.join(""));
    return { what: `corrupt ${file}: ${JSON.stringify(chars.join(""))}`, corrupted: file };
  }
  const json = JSON.parse(text) as Json;
  const targets = paths(json);
  if (targets.length === 0) return { what: "nothing" };
  const path = r.pick(targets);
  const parent = parentOf(json, path);
  const key = path.at(-1)!;
  if (op <= 4) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else if (op <= 7) {
    parent[key] = structuredClone(r.pick(oddValues));
  } else if (typeof key === "string") {
    const value = parent[key]!;
    delete parent[key];
    parent[r.pick(renames(key))] = value;
  } else {
    parent[key] = structuredClone(r.pick(oddValues));
  }
  files.set(file, JSON.stringify(json, null, r.int(2) ? 2 : 0));
  return {
    what: `${["", "", "", "delete", "delete", "retype", "retype", "retype", "rename", "rename"][op]} ${file} ${JSON.stringify(path)}`,
  };
}

function locationProblems(d: Diagnostic, files: ProjectFiles): string | undefined {
  if (typeof d.file !== "string" || d.file === "") return "no file";
  if (!Number.isInteger(d.line) || !Number.isInteger(d.column) || d.line < 1 || d.column < 1) return "no line/column";
  if (typeof d.pointer !== "string" || (d.pointer !== "" && !d.pointer.startsWith("/"))) return "bad pointer";
  if (!d.message || !d.code) return "no message or code";
  const text = files.get(d.file);
  if (typeof text === "string") {
    const line = text.split(/\r\n|\r|\n/)[d.line - 1];
    if (line === undefined || d.column > line.length + 1) return `position ${d.line}:${d.column} is outside the file`;
  }
  return undefined;
}

function modelPaths(project: ProjectModel): string[] {
  return project.apps.flatMap((a) => [
    a.configFile,
    ...a.cards.flatMap((c) => [c.entryFile, c.configFile]),
    ...a.functions.map((f) => f.file),
    ...(a.functionsPackageJson ? [a.functionsPackageJson] : []),
  ]);
}

function jsonParses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe("mutation test", () => {
  const bases: [string, Map<string, string>][] = [];
  beforeAll(async () => {
    bases.push(
      ["seed-example", await fixture("seed-example")],
      ["minimal-async", await fixture("minimal-async")],
      ["hsmeta", hsmetaSample()],
    );
  });

  it(`${runs} random mutations of valid projects never throw and every diagnostic is located (seed ${seed})`, () => {
    const r = new Random(seed);
    const stats = { rejected: 0, accepted: 0, syntax: 0 };
    for (let i = 0; i < runs; i++) {
      const [base, original] = r.pick(bases);
      const files = new Map<string, string | Uint8Array>(original);
      const mutation = mutate(files, r);
      const context = `run ${i} (seed ${seed}) on ${base}: ${mutation.what}`;
      // One run in four validates the source tree the way the server receives an upload.
      const asUpload = r.int(4) === 0;
      let result;
      try {
        result = asUpload
          ? validateSource(new Map([...files].filter(([p]) => p.startsWith("src/")).map(([p, c]) => [p.slice(4), c])), {
              platformVersion: base === "hsmeta" ? "2025.2" : "2023.2",
              projectName: base,
              srcDir: "src",
            })
          : validateProject(files);
      } catch (error) {
        throw new Error(`${context}: threw ${(error as Error).stack}`);
      }
      for (const d of result.diagnostics) {
        const problem = locationProblems(d, files);
        if (problem) throw new Error(`${context}: ${problem} in ${JSON.stringify(d)}`);
      }
      expect(result.project === undefined, context).toBe(hasErrors(result.diagnostics));
      if (result.project)
        for (const p of modelPaths(result.project)) expect(files.has(p), `${context}: model names missing ${p}`).toBe(true);
      // Our strict parser must agree with JSON.parse on the files that are always read.
      if (!asUpload && (mutation.corrupted === "hsproject.json" || mutation.corrupted?.endsWith("/app.json"))) {
        const refused = result.diagnostics.some((d) => d.code === "JSON_SYNTAX" && d.file === mutation.corrupted);
        expect(refused, `${context}: JSON.parse and the validator disagree`).toBe(!jsonParses(files.get(mutation.corrupted) as string));
      }
      if (result.diagnostics.some((d) => d.code === "JSON_SYNTAX")) stats.syntax++;
      if (result.project) stats.accepted++;
      else stats.rejected++;
    }
    // The mutations must actually exercise both outcomes and the syntax path.
    expect(stats.rejected).toBeGreaterThan(runs / 3);
    expect(stats.accepted).toBeGreaterThan(runs / 20);
    expect(stats.syntax).toBeGreaterThan(runs / 20);
  });
});
