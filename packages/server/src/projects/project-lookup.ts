import type { Kysely, Selectable } from "kysely";
import type { Database } from "../store/schema";
import { notFound } from "../errors/domain-error";
import type { ProjectsTable } from "./tables";

export type ProjectRow = Selectable<ProjectsTable>;

export function listProjects(db: Kysely<Database>, accountId: number): Promise<ProjectRow[]> {
  return db.selectFrom("projects").selectAll().where("account_id", "=", accountId).orderBy("name").execute();
}

export function findProject(db: Kysely<Database>, accountId: number, name: string): Promise<ProjectRow | undefined> {
  return db.selectFrom("projects").selectAll().where("account_id", "=", accountId).where("name", "=", name).executeTakeFirst();
}

export async function requireProject(db: Kysely<Database>, accountId: number, name: string): Promise<ProjectRow> {
  const project = await findProject(db, accountId, name);
  if (!project)
    throw notFound(`Project "${name}" does not exist in account ${accountId}. Upload it with \`sprocket project upload\` to create it.`);
  return project;
}
