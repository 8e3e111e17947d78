// The navigation's Apps section: one entry per app home page of the account's live builds.
import { useQuery } from "@tanstack/react-query";
import { useLocation } from "wouter";
import { NavItem, NavTitle } from "../nav-parts";
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
      <NavTitle id="nav-Apps">Apps</NavTitle>
      {homes.map((home) => {
        const href = paths.appHome(accountId, home.appId);
        return <NavItem key={home.appId} href={href} label={home.appName} active={location === href} />;
      })}
    </div>
  );
}
