import fs from "node:fs";
import path from "node:path";
import type { Diagnostic, ProjectModel } from "@sprocket/project-format";
import { CliError } from "../cli-error";
import { pcErr } from "../terminal";

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
    if (parent === dir) throw new CliError(`No hsproject.json in ${path.resolve(start)} or above. Run this inside a project, or create one with \`sprocket project create\`.`, 2);
    dir = parent;
  }
}

/** Reads and checks the project in `dir`; a folder that cannot be read is a usage error. */
export async function readLocalProject(dir: string): Promise<LocalProject> {
  // The validator loads on use so that other commands start fast.
  const { loadProjectFromDir, validateProject } = await import("@sprocket/project-format");
  const files = await loadProjectFromDir(dir).catch((e: Error) => {
    throw new CliError(e.message, 2);
  });
  const { diagnostics, project: model } = validateProject(files);
  return { dir, files, diagnostics, ...(model ? { model } : {}) };
}

/** The project in `dir` when it has no errors; else its problems go to standard error and `consequence` ends the failure. */
export async function validLocalProject(dir: string, consequence: string): Promise<LocalProject & { model: ProjectModel }> {
  const local = await readLocalProject(dir);
  if (!local.model) {
    const { renderDiagnostics } = await import("@sprocket/project-format");
    process.stderr.write(renderDiagnostics(local.diagnostics, local.files, { color: pcErr.isColorSupported }) + "\n");
    throw new CliError(`Project validation failed; ${consequence}.`);
  }
  return local as LocalProject & { model: ProjectModel };
}

/** The project's name: `--project`, else the one in the hsproject.json around the current folder. */
export async function projectName(flags: { project?: string }): Promise<string> {
  return flags.project ?? (await validLocalProject(findProjectDir(), "fix it, or name the project with --project")).model.name;
}

export const projectPath = (name: string) => encodeURIComponent(name);
