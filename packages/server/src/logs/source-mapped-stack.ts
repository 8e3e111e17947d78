import { SourceMap, type SourceMapPayload, type SourceOrigin } from "node:module";

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
 * Frames of node_modules keep their `node_modules/pkg/...` path, as the builder names them in the map. A bundle without
 * a map (built before builds kept one) keeps its frames as they are: better the bundle's lines than nothing.
 */
export function mapStack(stack: string, files: StackFiles): string {
  const out: string[] = [];
  let hidden = 0;
  const flush = () => {
    if (hidden > 0) out.push(`    … ${hidden} Sprocket runtime frame${hidden === 1 ? "" : "s"}`);
    hidden = 0;
  };
  for (const line of stack.split("\n")) {
    const frame = FRAME.exec(line);
    if (!frame) {
      flush();
      out.push(files.clean(line));
      continue;
    }
    const [, at, name, file, row, column] = frame as unknown as [string, string, string | undefined, string, string, string];
    const bundle = files.bundle(file);
    const origin = bundle?.map?.findOrigin(Number(row), Number(column));
    // Sources in parentheses are the builder's names for what is no file of the project (`(outside the project)`).
    if (origin && isOrigin(origin) && !origin.fileName.startsWith("(")) {
      flush();
      const where = `${origin.fileName}:${origin.lineNumber}:${origin.columnNumber}`;
      out.push(name && bundle!.keepNames ? `${at}${name} (${where})` : `${at}${where}`);
    } else if (bundle?.map || (!bundle && files.isHost(file))) {
      hidden++;
    } else {
      flush();
      out.push(files.clean(line));
    }
  }
  flush();
  return out.join("\n");
}

/** Parses a source map the builder wrote; null when it is not one (a build without maps, a damaged file). */
export function parseSourceMap(json: string): SourceMap | null {
  try {
    return new SourceMap(JSON.parse(json) as SourceMapPayload);
  } catch {
    return null;
  }
}

function isOrigin(found: SourceOrigin | object): found is SourceOrigin {
  return "fileName" in found;
}
