// The app page's Settings tab: the app's settings page (a 2025.2 `settings` component), run by the extension host.
import { useQuery } from "@tanstack/react-query";
import { EmptyState, ErrorNotice, Loading } from "../page-parts";
import { useSession } from "../session";
import { AppPageFrame } from "./app-page-frame";
import { appPagesQuery } from "./app-pages-query";
import { useLiveCardBuilds } from "../crm/live-card-builds";
import type { PrivateAppDetail } from "@sprocket/contract";

export function AppSettingsTab({ app }: { app: PrivateAppDetail }) {
  const { accountId } = useSession();
  const pages = useQuery(appPagesQuery(accountId, app.appId));
  useLiveCardBuilds(accountId);
  if (pages.isPending) return <Loading />;
  if (pages.isError) return <ErrorNotice error={pages.error} title="Cannot load the app's settings page" />;
  const settings = pages.data.results.find((page) => page.location === "settings");
  if (!settings)
    return (
      <EmptyState title="No settings page">
        This app's live build has no settings page. A 2025.2 project gives it one with a <code>settings</code> component.
      </EmptyState>
    );
  return <AppPageFrame key={settings.bundleUrl} page={settings} viewer={pages.data} label={`${app.name} settings`} />;
}
