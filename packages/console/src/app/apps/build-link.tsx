// A build as people know it: its project's number (#N), linking to the build's page.
import { Anchor, Text } from "@mantine/core";
import { Link } from "wouter";
import type { PrivateAppDetail } from "@sprocket/contract";
import { paths } from "../paths";
import { useSession } from "../session";

/** `buildId` is Sprocket's internal id (log events carry it); the app's `builds` give its number in the project. */
export function BuildLink({ app, buildId }: { app: Pick<PrivateAppDetail, "projectName" | "builds">; buildId: number | null }) {
  const { accountId } = useSession();
  if (buildId === null) return <>—</>;
  const number = app.builds.find((b) => b.buildId === buildId)?.number;
  if (number === undefined || app.projectName === null)
    return (
      <Text span size="sm" c="dimmed">
        a build of a deleted project
      </Text>
    );
  return (
    <Anchor component={Link} href={paths.build(accountId, app.projectName, number)} size="sm" data-testid="build-link">
      #{number}
    </Anchor>
  );
}

/** The app's project, linking to the project page. */
export function ProjectLink({ projectName }: { projectName: string | null }) {
  const { accountId } = useSession();
  if (projectName === null) return <>—</>;
  return (
    <Anchor component={Link} href={paths.project(accountId, projectName)} size="sm" data-testid="project-link">
      {projectName}
    </Anchor>
  );
}
