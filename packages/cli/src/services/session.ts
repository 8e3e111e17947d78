import fs from "node:fs";
import path from "node:path";
import type { Diagnostic, ProjectModel } from "@sprocket/project-format";
import { CliError } from "../cli-error";
import { pcErr } from "../terminal";
import { checkProjectSources } from "./source-checks";
import { streams } from "../streams";

/** A project folder as an upload reads it: project-format's loader and validator, nothing parsed on the side. */
export interface LocalProject {
  dir: string;
  /** Upload ignore rules and .hsignore applied. */
  files: Map<string, Uint8Array>;
  diagnostics: Diagnostic[];
  /** Present only when the project has no errors. */
  model?: ProjectModel;
}

export const PROJECT_OPTION = ["--project <name>", "the project's name (default: the name in hsproject.json)"] as const;

/** The folder of the project around `start`: the nearest one upwards holding hsproject.json. */
export function findProjectDir(start = "."): string {
  let dir = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(dir, "hsproject.json"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir)
      throw new CliError(
        `No hsproject.json in ${path.resolve(start)} or above. Run this inside a project, or create one with \`sprocket project create\`.`,
        2,
      );
    dir = parent;
  }
}

export interface ReadOptions {
  /** Also compile the cards' and functions' code (when the files hold no errors): what validate and upload check. */
  code?: boolean;
}

/** Reads and checks the project in `dir`, its files as the upload sees them. A folder that cannot be read is a usage error. */
export async function readLocalProject(dir: string, opts: ReadOptions = {}): Promise<LocalProject> {
  // The validator loads on use so that other commands start fast.
  const { hasErrors, loadProjectFolder, sortDiagnostics, validateProject } = await import("@sprocket/project-format");
  const { files, hiddenFolders } = await loadProjectFolder(dir).catch((e: Error) => {
    throw new CliError(e.message, 2);
  });
  const { diagnostics, project: model } = validateProject(files, { hiddenFolders });
  if (!model || !opts.code) return { dir, files, diagnostics, ...(model ? { model } : {}) };
  const all = sortDiagnostics([...diagnostics, ...(await checkProjectSources(dir, files, model))]);
  return { dir, files, diagnostics: all, ...(hasErrors(all) ? {} : { model }) };
}

/** The project in `dir` when it has no errors; else its problems go to standard error and `consequence` ends the failure. */
export async function validLocalProject(
  dir: string,
  consequence: string,
  opts: ReadOptions = {},
): Promise<LocalProject & { model: ProjectModel }> {
  const local = await readLocalProject(dir, opts);
  if (!local.model) {
    const { renderDiagnostics } = await import("@sprocket/project-format");
    streams.err.write(renderDiagnostics(local.diagnostics, local.files, { color: pcErr.isColorSupported }) + "\n");
    throw new CliError(`Project validation failed; ${consequence}.`);
  }
  return local as LocalProject & { model: ProjectModel };
}

/** The project's name: `--project`, else the one in the hsproject.json around the current folder. */
export async function projectName(flags: { project?: string }): Promise<string> {
  return flags.project ?? (await validLocalProject(findProjectDir(), "fix it, or name the project with --project")).model.name;
}

export const projectPath = (name: string) => encodeURIComponent(name);
