import fs from "node:fs";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { Option, type Command } from "commander";
import { CliError } from "../cli-error";
import { examples } from "../examples";
import { info, ok, printJson } from "../output";
import { Progress } from "../progress";
import {
  DEFAULT_MIGRATION_TARGET,
  deployedShape,
  MIGRATION_TARGETS,
  MigrationRefused,
  planMigration,
  type MigrationPlan,
} from "../services/migrate";
import { findProjectDir, readLocalProject } from "../services/session";
import { pc, pcErr } from "../terminal";
import { streams } from "../streams";

interface Flags {
  platformVersion: string;
  dryRun?: boolean;
  out?: string;
  force?: boolean;
  json?: boolean;
}

export function registerProjectMigrate(project: Command): void {
  project
    .command("migrate [dir]")
    .description(
      "rewrite a 2023.x/2025.1 project (app.json, card JSON, serverless.json, webhooks.json) as 2025.2+ *-hsmeta.json components",
    )
    .addOption(
      new Option("--platform-version <version>", "the platform version to migrate to")
        .choices(MIGRATION_TARGETS)
        .default(DEFAULT_MIGRATION_TARGET),
    )
    .option("--dry-run", "print what would be written and moved, and write nothing")
    .option("--out <dir>", "write the migrated project into this new folder and leave the project as it is")
    .option("--force", "replace an existing archive/ (or --out folder)")
    .option("--json", "print the plan as JSON")
    .addHelpText(
      "after",
      '\nIn place, the old source folder moves to archive/ (to <project>-archive beside the project when srcDir is "."), as\n' +
        "HubSpot's `hs project migrate` does, and the new one is written. The result is validated and must deploy the same\n" +
        "app: same uids, cards, functions, scopes and webhooks. Serverless functions need 2026.03 (the default).\n" +
        examples(
          "sprocket project migrate --dry-run",
          "sprocket project migrate ./my-project --out ./my-project-2026",
          "sprocket project migrate --platform-version 2025.2",
        ),
    )
    .action(async (dir: string | undefined, flags: Flags) => {
      const projectDir = dir === undefined ? findProjectDir() : path.resolve(dir);
      const progress = new Progress(flags.json === true);
      await progress.start(`Reading ${projectDir}`);
      const { hasErrors, renderDiagnostics, validateProject } = await import("@sprocket/project-format");
      const local = await readLocalProject(projectDir);
      if (!local.model) {
        progress.fail("The project has errors");
        streams.err.write(renderDiagnostics(local.diagnostics, local.files, { color: pcErr.isColorSupported }) + "\n");
        throw new CliError("Fix the project first: only a project that validates can be migrated. Nothing was changed.");
      }
      progress.succeed(`Read ${local.model.name} (platform version ${local.model.platformVersion}, ${local.files.size} files)`);
      let plan: MigrationPlan;
      try {
        const unread = leftOut(projectDir, local.model.srcDir, local.files);
        const extra = new Map(unread.map((rel) => [rel, new Uint8Array(fs.readFileSync(path.join(projectDir, ...rel.split("/"))))]));
        plan = planMigration(local.files, local.model, flags.platformVersion, extra);
      } catch (error) {
        if (!(error instanceof MigrationRefused)) throw error;
        throw new CliError(`Cannot migrate ${local.model.name}:\n  - ${error.problems.join("\n  - ")}\nNothing was changed.`);
      }
      const checked = validateProject(plan.files);
      const same = checked.project && isDeepStrictEqual(deployedShape(checked.project), deployedShape(local.model));
      if (!checked.project || !same) {
        if (!checked.project)
          streams.err.write(renderDiagnostics(checked.diagnostics, plan.files, { color: pcErr.isColorSupported }) + "\n");
        throw new CliError(
          `The migrated project would ${checked.project ? "not deploy the same app" : "not validate"}; this is a Sprocket bug worth reporting. Nothing was changed.`,
        );
      }
      for (const c of plan.components)
        progress.line(`  ${pc.cyan(c.type.padEnd(12))} ${c.uid.padEnd(24)} ${c.file}  ${pc.dim(`← ${c.from}`)}`);
      if (plan.moved.length) progress.line(`  ${plan.moved.length} code and asset file(s) move: ${summariseMoves(plan)}`);
      for (const note of plan.notes) progress.line(`  ${pc.yellow("note")} ${note}`);

      const where = flags.dryRun
        ? undefined
        : flags.out
          ? writeOut(projectDir, plan, path.resolve(flags.out), flags.force)
          : writeInPlace(projectDir, plan, flags.force);
      if (where) {
        await progress.start("Validating the migrated project");
        const result = await readLocalProject(where.projectDir, { code: true });
        if (hasErrors(result.diagnostics)) {
          progress.fail("The migrated project has errors");
          streams.err.write(renderDiagnostics(result.diagnostics, result.files, { color: pcErr.isColorSupported }) + "\n");
          throw new CliError(
            `Migrated files are in ${where.projectDir} but do not validate${where.archive ? `; the old source is in ${where.archive}` : ""}.`,
          );
        }
        progress.succeed("The migrated project validates");
      }
      const counts = countOf(plan);
      if (flags.json) printJson({ ...plan, files: undefined, dryRun: flags.dryRun === true, ...where });
      else if (!where) info(`Dry run: ${counts}; nothing was written.`);
      else {
        ok(`Migrated ${local.model.name} from ${plan.from} to ${plan.to}: ${counts}, in ${where.projectDir}.`);
        if (where.archive) info(`The old source folder is in ${where.archive}.`);
        if (plan.moved.length) info("Run npm install where a package.json moved (app/cards, app/functions) before working locally.");
        const rel = path.relative(".", where.projectDir);
        info(`Next: sprocket project upload ${rel === "" ? "." : rel.startsWith("..") ? where.projectDir : rel}`);
      }
    });
}

function countOf(plan: MigrationPlan): string {
  const n = (type: string) => plan.components.filter((c) => c.type === type).length;
  if (plan.components.length === 0) return "platformVersion raised, no file moves";
  return `1 app, ${n("card")} card(s), ${n("app-function")} function(s)${n("webhooks") ? ", webhooks" : ""}`;
}

/** The folders that move, once each: `src/app/extensions/ → src/app/cards/` for every file under it. */
function summariseMoves(plan: MigrationPlan): string {
  const pairs = new Set<string>();
  for (const m of plan.moved) {
    const from = m.from.split("/");
    const to = m.to.split("/");
    while (from.length > 1 && to.length > 1 && from.at(-1) === to.at(-1)) {
      from.pop();
      to.pop();
    }
    pairs.add(`${from.join("/")}/ → ${to.join("/")}/`);
  }
  return [...pairs].join(", ");
}

interface Written {
  projectDir: string;
  archive?: string;
}

/** The whole migrated project into a new folder (or one --force lets us empty), the original untouched. */
function writeOut(projectDir: string, plan: MigrationPlan, out: string, force: boolean | undefined): Written {
  if (out === projectDir || projectDir.startsWith(out + path.sep) || out.startsWith(projectDir + path.sep))
    throw new CliError(`--out ${out} must be a folder outside the project (and not around it).`, 2);
  if (fs.existsSync(out) && fs.readdirSync(out).length > 0) {
    if (!force) throw new CliError(`${out} exists and is not empty; choose another --out, or add --force to replace it.`, 2);
    fs.rmSync(out, { recursive: true });
  }
  // What uploads leave out beside the source (.hsignore, .gitignore, a README's images) belongs to the project too.
  const src = path.join(projectDir, plan.srcDir);
  fs.cpSync(projectDir, out, {
    recursive: true,
    filter: (from) =>
      !["node_modules", ".git"].includes(path.basename(from)) &&
      (plan.srcDir === "" ? path.dirname(from) === projectDir || from === projectDir : !from.startsWith(src + path.sep) && from !== src),
  });
  writeFiles(out, plan.files);
  return { projectDir: out };
}

/** Files under srcDir the upload leaves out (dotfiles, .hsignore's): not validated, but moved with the rest. node_modules aside. */
function leftOut(projectDir: string, srcDir: string, read: ReadonlyMap<string, unknown>): string[] {
  const found: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(projectDir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.name === "node_modules" || (rel === "" && entry.name === ".git")) continue;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile() && !read.has(child) && child !== ".hsignore") found.push(child);
    }
  };
  walk(srcDir);
  return found.sort();
}

/**
 * As `hs project migrate`: the source folder moves to archive/ (or, for srcDir ".", the whole project to a
 * `-archive` sibling), then the new files are written. Files outside srcDir (a README, .git) stay as they are.
 */
function writeInPlace(projectDir: string, plan: MigrationPlan, force: boolean | undefined): Written {
  // Already in the hsmeta format: only platformVersion changes.
  if (plan.components.length === 0) {
    writeFiles(projectDir, new Map([["hsproject.json", plan.files.get("hsproject.json")!]]));
    return { projectDir };
  }
  const archive = plan.srcDir ? path.join(projectDir, "archive") : `${projectDir}-archive`;
  if (plan.srcDir === "archive") throw new CliError('srcDir is "archive", where the old source would go; use --out.', 2);
  if (fs.existsSync(archive)) {
    if (!force)
      throw new CliError(`${archive} already exists (an earlier migration?); move it away, add --force to replace it, or use --out.`, 2);
    fs.rmSync(archive, { recursive: true });
  }
  const srcPath = path.join(projectDir, plan.srcDir);
  fs.renameSync(srcPath, archive);
  const written = plan.srcDir
    ? new Map([...plan.files].filter(([p]) => p === "hsproject.json" || p.startsWith(`${plan.srcDir}/`)))
    : plan.files;
  writeFiles(projectDir, written);
  return { projectDir, archive };
}

function writeFiles(root: string, files: ReadonlyMap<string, Uint8Array>): void {
  for (const [rel, content] of files) {
    const target = path.join(root, ...rel.split("/"));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
}
