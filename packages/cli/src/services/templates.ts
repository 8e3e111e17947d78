import fs from "node:fs";
import path from "node:path";

const TEMPLATES_DIR = path.resolve(import.meta.dirname, "../templates");
const PLACEHOLDER = /__PROJECT_NAME__/g;

/** The project templates shipped with the CLI. */
export function templateNames(): string[] {
  return fs.readdirSync(TEMPLATES_DIR).sort();
}

/** Copies a template into `target`, putting the project's name into hsproject.json and the app's uid. */
export function createFromTemplate(template: string, target: string, name: string): void {
  copyTemplate(path.join(TEMPLATES_DIR, template), target, name);
}

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
