// One private app: Overview, Auth, Logs, Log Traces, Extensions, Workflow actions and Settings tabs, each at its own URL.
import { Anchor, Breadcrumbs, Tabs, Text } from "@mantine/core";
import { useDocumentTitle } from "@mantine/hooks";
import { useQuery } from "@tanstack/react-query";
import { Link, useLocation } from "wouter";
import { api } from "../api-client";
import { ErrorNotice, isNotFound, Loading, NotFound, PageTitle } from "../page-parts";
import { appTabs, paths, type AppTab } from "../paths";
import { useSession } from "../session";
import { AppAuthTab } from "./app-auth-tab";
import { AppHomeLink } from "./app-home-link";
import { AppExtensionsTab } from "./app-extensions-tab";
import { AppLogsTab } from "./app-logs-tab";
import { AppLogTracesTab } from "./app-log-traces-tab";
import { AppOverviewTab } from "./app-overview-tab";
import type { PrivateAppDetail } from "@sprocket/contract";
import { AppSettingsTab } from "./app-settings-tab";
import { AppWorkflowActionsTab } from "./app-workflow-actions-tab";

const tabLabels: Record<AppTab, string> = {
  overview: "Overview",
  auth: "Auth",
  logs: "Logs",
  "log-traces": "Log Traces",
  extensions: "Extensions",
  "workflow-actions": "Workflow actions",
  settings: "Settings",
};

export const appQueryKey = (accountId: number, appId: string) => ["private-app", accountId, appId];

export default function PrivateAppPage({ params }: { params: { appId: string; tab: string } }) {
  const { accountId } = useSession();
  const [, navigate] = useLocation();
  const app = useQuery({
    queryKey: appQueryKey(accountId, params.appId),
    queryFn: () => api<PrivateAppDetail>("GET", `/api/v1/private-apps/${encodeURIComponent(params.appId)}`),
  });
  const tab = appTabs.find((t) => t === params.tab);
  useDocumentTitle(`${app.data?.name ?? "Private app"} · ${tab ? tabLabels[tab] : ""} · Sprocket`);
  const back = { href: paths.privateApps(accountId), label: "All private apps" };
  if (isNotFound(app.error))
    return (
      <NotFound title="Private app not found" back={back}>
        This account has no private app with id “{params.appId}”. It may have been deleted, or removed by a deploy.
      </NotFound>
    );
  if (!tab)
    return (
      <NotFound title="Page not found" back={{ href: paths.privateApp(accountId, Number(params.appId)), label: "App overview" }}>
        A private app has no “{params.tab}” tab; its tabs are {appTabs.map((t) => tabLabels[t]).join(", ")}.
      </NotFound>
    );
  if (app.isPending) return <Loading />;
  if (app.isError) return <ErrorNotice error={app.error} />;
  const detail = app.data;
  return (
    <>
      <Breadcrumbs mb="xs" aria-label="Breadcrumb">
        <Anchor component={Link} href={paths.privateApps(accountId)} size="sm">
          Private apps
        </Anchor>
        <Text size="sm">{detail.name}</Text>
      </Breadcrumbs>
      <PageTitle actions={<AppHomeLink appId={detail.appId} appName={detail.name} />}>{detail.name}</PageTitle>
      <Tabs
        value={tab}
        onChange={(value) => value && navigate(paths.privateApp(accountId, detail.appId, value as AppTab))}
        keepMounted={false}
      >
        <Tabs.List mb="md">
          {appTabs.map((t) => (
            <Tabs.Tab key={t} value={t}>
              {tabLabels[t]}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="overview">
          <AppOverviewTab app={detail} />
        </Tabs.Panel>
        <Tabs.Panel value="auth">
          <AppAuthTab app={detail} />
        </Tabs.Panel>
        <Tabs.Panel value="logs">
          <AppLogsTab app={detail} />
        </Tabs.Panel>
        <Tabs.Panel value="log-traces">
          <AppLogTracesTab app={detail} />
        </Tabs.Panel>
        <Tabs.Panel value="extensions">
          <AppExtensionsTab app={detail} />
        </Tabs.Panel>
        <Tabs.Panel value="workflow-actions">
          <AppWorkflowActionsTab app={detail} />
        </Tabs.Panel>
        <Tabs.Panel value="settings">
          <AppSettingsTab app={detail} />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
