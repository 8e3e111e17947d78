import fs from "node:fs";
import path from "node:path";
import { SprocketClient } from "../api-client";
import { CliError } from "../cli-error";
import { readConfig, selectAccount } from "../config-file";

export interface LocalProject {
  dir: string;
  name: string;
  srcDir: string;
  platformVersion: string;
}

export const ACCOUNT_FLAG = ["--account <account>", "the account to use (name or id; default: the default account)"] as const;
export const PROJECT_FLAG = ["--project <name>", "the project's name (default: the name in hsproject.json)"] as const;

export function clientFor(flags: { account?: string }): SprocketClient {
  return new SprocketClient(selectAccount(readConfig(), flags.account));
}

/** The project around `start`: the nearest folder upwards holding hsproject.json. */
export function findLocalProject(start = "."): LocalProject {
  let dir = path.resolve(start);
  for (;;) {
    const file = path.join(dir, "hsproject.json");
    if (fs.existsSync(file)) {
      let config: Partial<Record<"name" | "srcDir" | "platformVersion", unknown>>;
      try {
        config = JSON.parse(fs.readFileSync(file, "utf8")) as typeof config;
      } catch (e) {
        throw new CliError(`${file} is not valid JSON: ${(e as Error).message}. Run \`sprocket project validate\` for details.`);
      }
      return { dir, name: String(config.name ?? ""), srcDir: String(config.srcDir ?? "src"), platformVersion: String(config.platformVersion ?? "") };
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new CliError(`No hsproject.json in ${path.resolve(start)} or above. Run this inside a project, or create one with \`sprocket project create\`.`, 2);
    dir = parent;
  }
}

/** The project's name: `--project`, else hsproject.json's. */
export function projectName(flags: { project?: string }): string {
  return flags.project ?? findLocalProject().name;
}

export const projectPath = (name: string) => encodeURIComponent(name);
