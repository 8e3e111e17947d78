import { posix } from "node:path";
import {
  hasErrors,
  internalType,
  projectFilesFromEntries,
  validateSource,
  type Diagnostic,
  type ProjectModel,
} from "@sprocket/project-format";
import type { Subtask } from "./subtasks";

export interface BuildPlan {
  model?: ProjectModel;
  diagnostics: Diagnostic[];
  /** One per component: each app, each card, page, settings page and bulk action, each app's function package. */
  subtasks: Subtask[];
}

/**
 * Validates an uploaded source tree (srcDir's contents at the root, as HubSpot's CLI zips it) and lays out
 * the build's sub-builds. Cheap and deterministic, so the upload and the build job both call it.
 */
export function planBuild(entries: Map<string, Buffer>, opts: { platformVersion: string; projectName: string }): BuildPlan {
  const files = projectFilesFromEntries(entries);
  const { project: model, diagnostics } = validateSource(files, { platformVersion: opts.platformVersion, projectName: opts.projectName });
  if (!model || hasErrors(diagnostics)) {
    return { diagnostics, subtasks: [subtask({ id: "project", name: opts.projectName, type: "PROJECT", rootPath: "" })] };
  }
  const subtasks: Subtask[] = [];
  for (const app of model.apps) {
    const appId = `app:${app.uid}`;
    subtasks.push(subtask({ id: appId, name: app.uid, type: model.legacy ? "PRIVATE_APP" : "APPLICATION", rootPath: app.rootDir }));
    for (const card of app.cards) {
      subtasks.push(
        subtask({
          id: `card:${app.uid}:${card.uid}`,
          name: card.uid,
          type: model.legacy ? "REACT_EXTENSION" : "CARD",
          rootPath: posix.dirname(card.configFile),
          parent: appId,
        }),
      );
    }
    for (const ext of app.extensions) {
      subtasks.push(
        subtask({
          id: `extension:${app.uid}:${ext.uid}`,
          name: ext.uid,
          type: internalType(ext.type),
          rootPath: posix.dirname(ext.configFile),
          parent: appId,
        }),
      );
    }
    if (app.functions.length > 0) {
      const dir = app.functionsDir ?? posix.dirname(app.functions[0]!.file);
      subtasks.push(
        subtask({
          id: `functions:${app.uid}`,
          name: posix.basename(dir),
          type: model.legacy ? "SERVERLESS_PKG" : "SERVERLESS_PACKAGE",
          rootPath: dir,
          parent: appId,
        }),
      );
    }
  }
  return { model, diagnostics, subtasks };
}

function subtask(s: Pick<Subtask, "id" | "name" | "type" | "rootPath" | "parent">): Subtask {
  return { ...s, status: "PENDING", startedAt: null, finishedAt: null, errorMessage: "", errors: [] };
}

/** A diagnostic as a sub-build error: the located one-line form people and HubSpot's CLI print. */
export function diagnosticError(d: Diagnostic) {
  const where = `${d.file}:${d.line}:${d.column}`;
  const at = d.pointer ? ` at ${d.pointer}` : "";
  return {
    message: `${where} ${d.code} ${d.message}${at}${d.hint ? ` (hint: ${d.hint})` : ""}`,
    file: d.file,
    line: d.line,
    column: d.column,
    code: d.code,
  };
}
