// The private apps a project made, linked (apps link back to their project): only super admins see private apps.
import { Anchor, Group, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { Link } from "wouter";
import type { PrivateAppList } from "@sprocket/contract";
import { api } from "../api-client";
import { paths } from "../paths";
import { useSession } from "../session";

export function ProjectApps({ project }: { project: string }) {
  const { accountId } = useSession();
  // The same query as the private apps page, so either page fills the other's cache.
  const apps = useQuery({ queryKey: ["private-apps", accountId], queryFn: () => api<PrivateAppList>("GET", "/api/v1/private-apps") });
  if (!apps.data) return null;
  const mine = apps.data.results.filter((a) => a.projectName === project);
  return (
    <Group gap="xs" mb="md" component="section" aria-label="Apps of this project" data-testid="project-apps">
      <Text size="sm" c="dimmed">
        {mine.length === 0 ? "No private app deployed from this project." : mine.length === 1 ? "App:" : "Apps:"}
      </Text>
      {mine.map((a) => (
        <Text key={a.appId} span size="sm">
          <Anchor component={Link} href={paths.privateApp(accountId, a.appId)} size="sm">
            {a.name}
          </Anchor>
          {a.activeBuildNumber === null ? null : (
            <Text span size="sm" c="dimmed">
              {" "}
              (live build #{a.activeBuildNumber})
            </Text>
          )}
        </Text>
      ))}
    </Group>
  );
}
