// The console's URLs, shaped like HubSpot's so links and bookmarks carry over.

export const paths = {
  crmIndex: (accountId: number, objectTypeId: string) => `/contacts/${accountId}/objects/${objectTypeId}`,
  crmRecord: (accountId: number, objectTypeId: string, objectId: string | number) =>
    `/contacts/${accountId}/record/${objectTypeId}/${objectId}`,
  projects: (accountId: number) => `/developer-projects/${accountId}`,
  project: (accountId: number, name: string) => `/developer-projects/${accountId}/project/${encodeURIComponent(name)}`,
  build: (accountId: number, name: string, buildId: number) =>
    `/developer-projects/${accountId}/project/${encodeURIComponent(name)}/build/${buildId}`,
  privateApps: (accountId: number) => `/private-apps/${accountId}`,
  privateApp: (accountId: number, appId: number, tab: AppTab = "overview") => `/private-apps/${accountId}/${appId}/${tab}`,
  appHome: (accountId: number, appId: number) => `/app/${accountId}/${appId}`,
  settings: (accountId: number, page: SettingsPage) => `/settings/${accountId}/${page}`,
  workflows: (accountId: number) => `/workflows/${accountId}`,
};

export const appTabs = ["overview", "auth", "logs", "log-traces", "extensions", "workflow-actions", "settings"] as const;
export type AppTab = (typeof appTabs)[number];

export const settingsPages = ["users", "personal-access-keys", "secrets", "connected-apps"] as const;
export type SettingsPage = (typeof settingsPages)[number];

/** The same page in another account (for the account switcher), or the account's home when the page is account-specific. */
export function pathInAccount(pathname: string, accountId: number): string {
  const match =
    /^\/(contacts|developer-projects|private-apps|settings|workflows)\/\d+(\/(objects\/[^/]+|users|personal-access-keys|secrets|connected-apps))?/.exec(
      pathname,
    );
  return match ? `/${match[1]}/${accountId}${match[2] ?? ""}` : paths.crmIndex(accountId, "0-1");
}
