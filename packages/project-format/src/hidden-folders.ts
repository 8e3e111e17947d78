import { posix } from "node:path";
import { isLegacyPlatform } from "./platform-versions";
import type { ProjectContext } from "./project-context";
import type { HiddenFolder } from "./project-files";
import { dirOf, isUnder, joinPath } from "./project-paths";

const isProjectConfig = (name: string) => name === "serverless.json" || name === "app.json" || name.endsWith("-hsmeta.json");

/**
 * A folder whose name starts with "." never reaches the server: HubSpot's CLI zips with local-dev-lib's ignore rules
 * (`.*`) and says so only in its debug log, so the build succeeds without it and a card's call fails at run time. The
 * seed guide itself says "create a .functions directory" where HubSpot's tools read `app.functions`. A warning, not an
 * error: the upload is valid as HubSpot and this server see it; what is lost is the author's intent. Only hidden
 * folders under srcDir that look like project parts are named (a `*.functions` name, or a config file inside), so
 * `.git` or `.vscode` stay quiet.
 */
export function checkHiddenFolders(ctx: ProjectContext, folders: readonly HiddenFolder[]): void {
  for (const folder of folders) {
    if (!isUnder(folder.path, ctx.srcDir)) continue;
    const base = posix.basename(folder.path);
    const configs = folder.names.filter(isProjectConfig);
    if (!base.endsWith(".functions") && configs.length === 0) continue;
    const visible =
      base === ".functions" ? (isLegacyPlatform(ctx.platformVersion) ? "app.functions" : "functions") : base.replace(/^\.+/, "");
    const held = configs.length
      ? `its ${configs.join(", ")} and the rest of it never reach the server`
      : "nothing in it reaches the server";
    ctx.report.warning(
      "FOLDER_HIDDEN",
      { file: folder.path },
      `${folder.path} is hidden (its name starts with "."), so uploads leave it out: ${held}${base.endsWith(".functions") ? ", and the app's cards cannot call its functions" : ""}`,
      `Rename it to ${joinPath(dirOf(folder.path), visible)}; HubSpot's CLI drops hidden folders from uploads too.`,
    );
  }
}
