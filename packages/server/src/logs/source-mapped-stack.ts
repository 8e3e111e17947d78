import { SourceMap, type SourceMapPayload, type SourceMapping } from "node:module";

/** A bundle of a build that a stack names, and its source map (null when the build kept none). */
export interface StackBundle {
  map: SourceMap | null;
  /** False for a minified bundle: its function names are the minifier's, and say nothing to the developer. */
  keepNames: boolean;
}

/** What a stack's frames point at, for one build. */
export interface StackFiles {
  /** The bundle a frame's file is, or undefined when the file is no bundle of the build. */
  bundle(file: string): StackBundle | undefined;
  /** A frame of code that is not the developer's (Sprocket's runtime, Node's internals): collapsed. */
  isHost(file: string): boolean;
  /** Takes the server's own folders out of the lines that are not frames (the message, `Require stack:` lists). */
  clean(text: string): string;
}

// `    at name (file:line:column)` or `    at file:line:column`, as V8 writes them in Node and in Chromium.
const FRAME = /^(\s*at )(?:(.+?) \()?(.+?):(\d+):(\d+)(\)?)$/;

/**
 * Rewrites a V8 stack so it points at the developer's code: each frame in a bundle of the build becomes the project
 * file, line and column its source map gives (`app/app.functions/proximity.js:8:11`), and each run of frames of the
 * platform (or of the bundler's glue, which no source line explains) becomes one `… Sprocket runtime frames` line.
 * Every frame below the developer's last one is the platform's call into their code (the runner, its sockets and
 * promises, the console's worker) and is collapsed too. Frames of node_modules keep their `node_modules/pkg/...` path,
 * as the builder names them in the map. A bundle without a map (built before builds kept one) keeps its frames as they
 * are: better the bundle's lines than nothing.
 */
export function mapStack(stack: string, files: StackFiles): string {
  const lines = stack.split("\n").map((line) => mapLine(line, files));
  const lastOwn = lines.findLastIndex((line) => line.kind === "own");
  const out: string[] = [];
  let hidden = 0;
  lines.forEach((line, i) => {
    if (line.kind === "host" || (lastOwn >= 0 && i > lastOwn && line.kind === "frame")) {
      hidden++;
      return;
    }
    if (hidden > 0) out.push(collapsed(hidden));
    hidden = 0;
    out.push(line.text);
  });
  if (hidden > 0) out.push(collapsed(hidden));
  return out.join("\n");
}

/** own: mapped to the project; host: the platform's; frame: another frame (Node's, native); text: not a frame. */
interface MappedLine {
  kind: "own" | "host" | "frame" | "text";
  text: string;
}

function mapLine(line: string, files: StackFiles): MappedLine {
  const frame = FRAME.exec(line);
  if (!frame) return { kind: /^\s+at /.test(line) ? "frame" : "text", text: files.clean(line) };
  const [, at, name, file, row, column] = frame as unknown as [string, string, string | undefined, string, string, string];
  const bundle = files.bundle(file);
  // The mapping at or before the position, as `node --enable-source-maps` reads it (findOrigin would add the
  // distance from that mapping to the original column, which is wrong when the mapping starts a line's indent).
  const entry = bundle?.map?.findEntry(Number(row) - 1, Number(column) - 1);
  // Sources in parentheses are the builder's names for what is no file of the project (`(outside the project)`).
  if (entry && isMapping(entry) && !entry.originalSource.startsWith("(")) {
    const where = `${entry.originalSource}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
    return { kind: "own", text: name && bundle!.keepNames ? `${at}${name} (${where})` : `${at}${where}` };
  }
  if (bundle?.map || (!bundle && files.isHost(file))) return { kind: "host", text: line };
  return { kind: "frame", text: files.clean(line) };
}

const collapsed = (count: number) => `    … ${count} Sprocket runtime frame${count === 1 ? "" : "s"}`;

/** Parses a source map the builder wrote; null when it is not one (a build without maps, a damaged file). */
export function parseSourceMap(json: string): SourceMap | null {
  try {
    return new SourceMap(JSON.parse(json) as SourceMapPayload);
  } catch {
    return null;
  }
}

function isMapping(found: SourceMapping | object): found is SourceMapping {
  return "originalSource" in found;
}
