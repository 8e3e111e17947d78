import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { CliError } from "../cli-error";
import { examples } from "../examples";
import { ok } from "../output";
import { createFromTemplate, templateNames } from "../services/templates";

export function registerProjectCreate(project: Command): void {
  project
    .command("create <name>")
    .description(`create a project from a template shipped with the CLI (${templateNames().join(", ")})`)
    // HubSpot's CLI creates 2026.03 projects unless told otherwise (`hs project create --platform-version`), so the
    // default template is the *-hsmeta.json one; getting-started and minimal-async keep the 2023.2 format.
    .option(
      "--template <template>",
      "the template: unified-app (platform 2026.03, *-hsmeta.json), or 2023.2's getting-started and minimal-async",
      "unified-app",
    )
    .option("--dest <dir>", "the parent folder (default: the current one)", ".")
    .addHelpText(
      "after",
      examples("sprocket project create my-project", "sprocket project create my-project --template getting-started --dest ~/code"),
    )
    .action((name: string, flags: { template: string; dest: string }) => {
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name))
        throw new CliError(`Invalid project name "${name}": use letters, digits, dots, dashes and underscores.`, 2);
      if (!templateNames().includes(flags.template))
        throw new CliError(`No template "${flags.template}". Templates: ${templateNames().join(", ")}.`, 2);
      const target = path.resolve(flags.dest, name);
      if (fs.existsSync(target)) throw new CliError(`${target} already exists; choose another name or --dest.`, 2);
      createFromTemplate(flags.template, target, name);
      ok(
        `Created ${name} from the ${flags.template} template in ${target}. Next: cd ${path.relative(".", target) || "."} && sprocket project upload`,
      );
    });
}
