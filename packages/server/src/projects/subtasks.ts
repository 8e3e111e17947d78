import type { BuildStatus, DeployStatus } from "./tables";

/** One component's part of a build or deploy, as kept in the builds/deploys rows. */
export interface Subtask {
  id: string;
  name: string;
  type: string;
  rootPath: string;
  status: BuildStatus | DeployStatus;
  /** Id of the app subtask this one belongs to; absent for top-level ones. */
  parent?: string;
  action?: "INSTALL" | "REMOVE";
  startedAt: number | null;
  finishedAt: number | null;
  errorMessage: string;
  subCategory?: string;
  errors: Array<{ message: string; file?: string; line?: number; column?: number; code?: string }>;
  /** Validator warnings, served by `combined/warn`. */
  warnings?: string[];
}

export const iso = (millis: number | null | undefined) => (millis == null ? null : new Date(millis).toISOString());

/** HubSpot's `{topLevelComponentsWithChildren: {id: [childIds]}}`. */
export function structureOf(subtasks: Subtask[]): { topLevelComponentsWithChildren: Record<string, string[]> } {
  const tree: Record<string, string[]> = {};
  for (const s of subtasks) if (!s.parent) tree[s.id] = [];
  for (const s of subtasks) if (s.parent) (tree[s.parent] ??= []).push(s.id);
  return { topLevelComponentsWithChildren: tree };
}

/** The sub-status shape HubSpot's CLI reads (it prints errorMessage and standardError.errors[].message). */
export function subtaskJson(s: Subtask, kind: "build" | "deploy") {
  return {
    id: s.id,
    [kind === "build" ? "buildName" : "deployName"]: s.name,
    [kind === "build" ? "buildType" : "deployType"]: s.type,
    status: s.status,
    visible: true,
    ...(s.action ? { action: s.action } : {}),
    errorMessage: s.errorMessage,
    standardError:
      s.errors.length || s.subCategory
        ? { subCategory: s.subCategory ?? null, errors: s.errors.map((e) => ({ message: e.message, context: e })) }
        : null,
    rootPath: s.rootPath,
    startedAt: iso(s.startedAt),
    finishedAt: iso(s.finishedAt),
  };
}
