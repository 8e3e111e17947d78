// The navigation's Apps section: one entry per app home page of the account's live builds.
import { NavLink, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { Link, useLocation } from "wouter";
import { paths } from "../paths";
import { useSession } from "../session";
import { appPagesQuery } from "./app-pages-query";

export function AppHomeNav() {
  const { accountId } = useSession();
  const [location] = useLocation();
  const pages = useQuery(appPagesQuery(accountId));
  const homes = (pages.data?.results ?? []).filter((page) => page.location === "home");
  if (homes.length === 0) return null;
  return (
    <div role="group" aria-labelledby="nav-Apps">
      <Text id="nav-Apps" size="xs" fw={700} c="dimmed" tt="uppercase" px="md" pt="sm" pb={4}>
        Apps
      </Text>
      {homes.map((home) => {
        const href = paths.appHome(accountId, home.appId);
        const active = location === href;
        return (
          <NavLink
            key={home.appId}
            component={Link}
            href={href}
            label={home.appName}
            active={active}
            aria-current={active ? "page" : undefined}
          />
        );
      })}
    </div>
  );
}
