import { readFile, realpath } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import type { TsconfigRaw } from "esbuild";
import { BuildError } from "./build-error";

type CompilerOptions = NonNullable<TsconfigRaw["compilerOptions"]>;

// What esbuild takes from a tsconfig when it compiles (paths and baseUrl are resolution, which the build confines).
const TRANSFORM_OPTIONS = [
  "alwaysStrict",
  "experimentalDecorators",
  "importsNotUsedAsValues",
  "jsx",
  "jsxFactory",
  "jsxFragmentFactory",
  "jsxImportSource",
  "preserveValueImports",
  "strict",
  "target",
  "useDefineForClassFields",
  "verbatimModuleSyntax",
] as const;

/**
 * The compiler options of the tsconfig.json or jsconfig.json nearest to the entry, looking no higher than the project
 * root, with relative `extends` followed inside the project; `{}` when there is none. Passed to esbuild as
 * `tsconfigRaw`, which stops esbuild's own search: it walks up past the project and would apply whatever tsconfig.json
 * sits above the server's scratch folder (a project unpacked inside this repository picked up its "use strict").
 */
export async function projectTsconfig(entry: string, root: string): Promise<TsconfigRaw> {
  const top = resolve(root);
  for (let dir = dirname(resolve(entry)); dir === top || dir.startsWith(top + sep); dir = dirname(dir)) {
    for (const name of ["tsconfig.json", "jsconfig.json"]) {
      const options = await readCompilerOptions(join(dir, name), top, new Set());
      if (options) return { compilerOptions: options };
    }
    if (dir === top) break;
  }
  return {};
}

async function readCompilerOptions(file: string, root: string, seen: Set<string>): Promise<CompilerOptions | undefined> {
  const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (text === undefined) return undefined;
  const shown = relative(root, file).split(sep).join("/");
  const realRoot = await realpath(root);
  const real = await realpath(file);
  if (!real.startsWith(realRoot + sep)) throw new BuildError("BUILD_BUNDLE_FAILED", `${shown} is outside the project.`);
  let config: { extends?: unknown; compilerOptions?: Record<string, unknown> };
  try {
    config = JSON.parse(stripJsonComments(text)) as typeof config;
  } catch (error) {
    throw new BuildError("BUILD_BUNDLE_FAILED", `${shown} is not valid JSON: ${(error as Error).message}`);
  }
  let options: CompilerOptions = {};
  // Only relative extends are followed; a package's base config (e.g. @tsconfig/node20) sets checking options, not
  // the few esbuild uses.
  if (typeof config.extends === "string" && config.extends.startsWith(".") && !seen.has(real)) {
    seen.add(real);
    const base = resolve(dirname(file), config.extends.endsWith(".json") ? config.extends : `${config.extends}.json`);
    if (base !== root && !base.startsWith(root + sep))
      throw new BuildError("BUILD_BUNDLE_FAILED", `${shown}: "extends" points outside the project.`);
    options = (await readCompilerOptions(base, root, seen)) ?? {};
  }
  const own = config.compilerOptions ?? {};
  for (const key of TRANSFORM_OPTIONS) {
    if (own[key] !== undefined) (options as Record<string, unknown>)[key] = own[key];
  }
  return options;
}

/** tsconfig files are JSON with comments and trailing commas. */
function stripJsonComments(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const end = /"(?:[^"\\]|\\.)*"/y;
      end.lastIndex = i;
      const match = end.exec(text);
      const literal = match ? match[0] : text.slice(i);
      out += literal;
      i += literal.length - 1;
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else if (c === "/" && text[i + 1] === "*") {
      const close = text.indexOf("*/", i + 2);
      i = close === -1 ? text.length : close + 1;
    } else out += c;
  }
  return out.replace(/,(\s*[}\]])/g, "$1");
}
