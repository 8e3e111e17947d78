import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { CliError } from "../cli-error";
import { examples } from "../examples";
import { ok } from "../output";

const TEMPLATES_DIR = path.resolve(import.meta.dirname, "../templates");
const PLACEHOLDER = /__PROJECT_NAME__/g;

export function templateNames(): string[] {
  return fs.readdirSync(TEMPLATES_DIR).sort();
}

export function registerProjectCreate(project: Command): void {
  project
    .command("create <name>")
    .description(`create a project from a template shipped with the CLI (${templateNames().join(", ")})`)
    .option("--template <template>", "the template", "getting-started")
    .option("--dest <dir>", "the parent folder (default: the current one)", ".")
    .addHelpText("after", examples("sprocket project create my-project", "sprocket project create my-project --template minimal-async --dest ~/code"))
    .action((name: string, flags: { template: string; dest: string }) => {
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) throw new CliError(`Invalid project name "${name}": use letters, digits, dots, dashes and underscores.`, 2);
      if (!templateNames().includes(flags.template)) throw new CliError(`No template "${flags.template}". Templates: ${templateNames().join(", ")}.`, 2);
      const target = path.resolve(flags.dest, name);
      if (fs.existsSync(target)) throw new CliError(`${target} already exists; choose another name or --dest.`, 2);
      copyTemplate(path.join(TEMPLATES_DIR, flags.template), target, name);
      ok(`Created ${name} from the ${flags.template} template in ${target}. Next: cd ${path.relative(".", target) || "."} && sprocket project upload`);
    });
}

/** Copies a template, putting the project's name into hsproject.json and the app's uid. */
function copyTemplate(from: string, to: string, name: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) copyTemplate(source, target, name);
    else if (entry.name.endsWith(".json")) fs.writeFileSync(target, fs.readFileSync(source, "utf8").replace(PLACEHOLDER, name));
    else fs.copyFileSync(source, target);
  }
}
