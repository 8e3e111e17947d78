import fs from "node:fs";
import path from "node:path";
import type { InvocationResult } from "@sprocket/runtime";
import { mapStack, parseSourceMap, type StackBundle, type StackFiles } from "../logs/source-mapped-stack";

/** Parsed maps by bundle file. An unpacked build never changes (its folder is named for it), so they stay valid. */
const maps = new Map<string, StackBundle>();
const MAPS_KEPT = 64;

/**
 * A run's error and log lines as the developer should read them: stacks in the project's files and lines (the build's
 * source maps, unpacked beside each bundle), the runner's frames collapsed, and no mention of the node-local folder the
 * build was unpacked in. Log lines are mapped too, since `console.error(error)` prints a stack.
 */
export function withProjectStacks(result: InvocationResult, bundleDir: string): InvocationResult {
  const files = bundleStackFiles(bundleDir);
  const map = (text: string) => (text.includes(bundleDir) || text.includes("node:internal") ? mapStack(text, files) : text);
  return {
    ...result,
    logs: result.logs.map((line) => ({ ...line, message: map(line.message) })),
    ...(result.error
      ? {
          error: {
            ...result.error,
            message: files.clean(result.error.message),
            ...(result.error.stack ? { stack: map(result.error.stack) } : {}),
          },
        }
      : {}),
  };
}

function bundleStackFiles(bundleDir: string): StackFiles {
  const inside = bundleDir + path.sep;
  return {
    bundle: (file) => (file.startsWith(inside) ? bundleOf(file) : undefined),
    isHost: (file) => path.isAbsolute(file) || file.startsWith("node:internal/"),
    clean: (text) => text.replaceAll(inside, "").replaceAll(bundleDir, "(build)"),
  };
}

function bundleOf(file: string): StackBundle {
  let bundle = maps.get(file);
  if (!bundle) {
    let json: string | null = null;
    try {
      json = fs.readFileSync(`${file}.map`, "utf8");
    } catch {
      // A bundle built without a map: its frames are collapsed rather than shown in the bundle's lines.
    }
    bundle = { map: json === null ? null : parseSourceMap(json), keepNames: true };
    if (maps.size >= MAPS_KEPT) maps.delete(maps.keys().next().value!);
    maps.set(file, bundle);
  }
  return bundle;
}
