import type { Command } from "commander";
import type { BuildPage, DevSessionList } from "@sprocket/contract";
import { ACCOUNT_OPTION, clientFor } from "../account-client";
import { examples } from "../examples";
import { printJson, printTable } from "../output";
import { PROJECT_OPTION, projectName, projectPath } from "../services/session";
import { pc } from "../terminal";
import { terminalText as text } from "../terminal-text";
import { streams } from "../streams";

export function registerProjectListBuilds(project: Command): void {
  project
    .command("list-builds")
    .description("the project's builds, newest first")
    .option("--limit <n>", "how many", "20")
    .option(...PROJECT_OPTION)
    .option(...ACCOUNT_OPTION)
    .option("--json", "print as JSON")
    .addHelpText("after", examples("sprocket project list-builds", "sprocket project list-builds --project my-project --limit 5 --json"))
    .action(async (flags: { limit: string; project?: string; account?: string; json?: boolean }) => {
      const name = await projectName(flags);
      const client = clientFor(flags);
      const { results } = await client.call<BuildPage>("GET", `/dfs/v1/projects/${projectPath(name)}/builds`, {
        query: { limit: flags.limit },
      });
      if (flags.json) return printJson({ results });
      // `sprocket project dev` makes no build per save: each session is one line above the builds.
      const sessions = (await client.call<DevSessionList>("GET", `/api/v1/projects/${projectPath(name)}/dev-sessions`)).results;
      for (const s of sessions)
        streams.out.write(
          `Dev session ${s.sessionId} ${s.status === "OPEN" ? pc.yellow("open") : "ended"}: ${s.saves} save${s.saves === 1 ? "" : "s"} shown, opened ${text(s.openedAt)} by ${text(s.userEmail ?? "someone removed")}\n`,
        );
      if (results.length === 0) return void streams.out.write(`Project "${name}" has no builds yet.\n`);
      const colour = (s: string) => (s === "SUCCESS" ? pc.green(s) : s === "FAILURE" ? pc.red(s) : pc.yellow(text(s)));
      printTable(
        ["Build", "Status", "Deployed", "Source", "Message", "Created"],
        results.map((b) => [
          `#${b.buildId}`,
          colour(b.status),
          b.isDeployed ? pc.green("live") : "",
          b.activitySource.type === "GITHUB_USER"
            ? text(`git ${b.activitySource.branch}@${b.activitySource.commitHash?.slice(0, 7)}`)
            : "upload",
          text(b.uploadMessage),
          text(b.createdAt),
        ]),
      );
    });
}
