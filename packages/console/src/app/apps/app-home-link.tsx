// "App home" beside an app, in the app list and on the app's page, when its live build has a home page.
import { Anchor } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { Link } from "wouter";
import { paths } from "../paths";
import { useSession } from "../session";
import { appPagesQuery, homePageOf } from "./app-pages-query";

export function AppHomeLink({ appId, appName }: { appId: number; appName: string }) {
  const { accountId } = useSession();
  // The account-wide listing: one request serves every row of the app list and the navigation.
  const pages = useQuery(appPagesQuery(accountId));
  if (!homePageOf(pages.data, appId)) return null;
  return (
    <Anchor component={Link} href={paths.appHome(accountId, appId)} size="sm" aria-label={`${appName} home`}>
      App home
    </Anchor>
  );
}
