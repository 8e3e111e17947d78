// The console's React tree: providers, the session gate and the routes (each page is its own chunk). The browser's
// entry (main.tsx) and the server's first-screen render (server-render.tsx) both render `ConsoleRoot`.
import { StrictMode, Suspense, useEffect, type ReactNode } from "react";
import { MantineProvider } from "@mantine/core";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { Redirect, Route, Router, Switch, useLocation } from "wouter";
import { TransitionLocation, useTransitionLocation } from "./transition-location";
import { ApiRequestError } from "./api-client";
import { FormatProvider, type Formats } from "./formats";
import CrmIndexPage from "./crm/crm-index-page";
import { lazyPage } from "./lazy-page";
import { ErrorNotice, Loading, NotFound, PageBoundary } from "./page-parts";
import { pathInAccount, paths } from "./paths";
import { SessionProvider, useSession, useSessionActions, useSessionQuery } from "./session";
import { Shell } from "./shell";
import { SignInPage } from "./sign-in-page";
import { InvitePage } from "./invite-page";

// Each page is its own chunk, but for the CRM index pages (the contacts page is the first screen of `/`), which come
// with the shell (vite.app.config.ts) and render on the server too (server-render.tsx); the entry starts the first
// page's chunk while it asks for the session (first-screen.ts).
const CrmRecordPage = lazyPage(() => import("./crm/crm-record-page"));
const ProjectsPage = lazyPage(() => import("./projects/projects-page"));
const ProjectPage = lazyPage(() => import("./projects/project-page"));
const BuildPage = lazyPage(() => import("./projects/build-page"));
const PrivateAppsPage = lazyPage(() => import("./apps/private-apps-page"));
const PrivateAppPage = lazyPage(() => import("./apps/private-app-page"));
const AppHomePage = lazyPage(() => import("./apps/app-home-page"));
const SettingsPage = lazyPage(() => import("./settings/settings-page"));
const WorkflowsPage = lazyPage(() => import("./workflows/workflows-page"));

/** The routes of the pages above (wouter reads each path's parameters from its literal type). */
const ROUTES = {
  crmIndex: "/contacts/:accountId/objects/:objectTypeId",
  crmRecord: "/contacts/:accountId/record/:objectTypeId/:objectId",
  projects: "/developer-projects/:accountId",
  project: "/developer-projects/:accountId/project/:name",
  build: "/developer-projects/:accountId/project/:name/build/:buildId",
  privateApps: "/private-apps/:accountId",
  privateApp: "/private-apps/:accountId/:appId/:tab",
  appHome: "/app/:accountId/:appId",
  settings: "/settings/:accountId/:page",
  workflows: "/workflows/:accountId",
} as const;

export const PRELOADS = [
  { path: ROUTES.crmRecord, page: CrmRecordPage },
  { path: ROUTES.projects, page: ProjectsPage },
  { path: ROUTES.project, page: ProjectPage },
  { path: ROUTES.build, page: BuildPage },
  { path: ROUTES.privateApps, page: PrivateAppsPage },
  { path: ROUTES.privateApp, page: PrivateAppPage },
  { path: ROUTES.appHome, page: AppHomePage },
  { path: ROUTES.settings, page: SettingsPage },
  { path: ROUTES.workflows, page: WorkflowsPage },
];

export const createQueryClient = () =>
  new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: false,
        // A 4xx will not change by asking again.
        retry: (count, error) => count < 2 && !(error instanceof ApiRequestError && error.status < 500),
      },
    },
  });

/** Pages carry the account in their URL, as HubSpot's do: follow it, or say why not. */
function AccountGate({ children }: { children: ReactNode }) {
  const session = useSession();
  const { switchAccount } = useSessionActions();
  const [location] = useLocation();
  const urlAccount = Number(/^\/[a-z-]+\/(\d+)(\/|$)/.exec(location)?.[1] ?? session.accountId);
  const member = session.accounts.some((a) => a.id === urlAccount);
  const mismatch = urlAccount !== session.accountId;
  useEffect(() => {
    if (mismatch && member) void switchAccount(urlAccount);
    // switchAccount is a new function on each render; the switch depends on the URL and the session only.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [mismatch, member, urlAccount]);
  if (!mismatch) return children;
  if (!member)
    return (
      <NotFound
        title="Account not found"
        back={{
          href: pathInAccount(location, session.accountId),
          label: `This page in ${session.accounts.find((a) => a.id === session.accountId)?.name ?? "your account"}`,
        }}
      >
        Account {urlAccount} does not exist, or you are not one of its users.
      </NotFound>
    );
  return <Loading label={`Switching to account ${urlAccount}`} />;
}

/** Where `/login?next=` may send the browser once signed in: only an app's install link (a server page: a full load). */
const INSTALL_LINK = /^\/oauth\/authorize\?[^#\\]*$/;

function AfterSignIn({ fallback }: { fallback: string }) {
  const next = new URLSearchParams(window.location.search).get("next");
  const install = next !== null && INSTALL_LINK.test(next) ? next : undefined;
  useEffect(() => {
    if (install) window.location.replace(install);
  }, [install]);
  return install ? <Loading label="Back to the app install" /> : <Redirect to={fallback} replace />;
}

function Pages() {
  const session = useSession();
  const [location] = useLocation();
  return (
    <PageBoundary resetKey={location}>
      <Suspense fallback={<Loading />}>
        <Switch>
          <Route path={ROUTES.crmIndex} component={CrmIndexPage} />
          <Route path={ROUTES.crmRecord} component={CrmRecordPage} />
          <Route path={ROUTES.projects} component={ProjectsPage} />
          <Route path={ROUTES.project} component={ProjectPage} />
          <Route path={ROUTES.build} component={BuildPage} />
          <Route path={ROUTES.privateApps} component={PrivateAppsPage} />
          <Route path="/private-apps/:accountId/:appId">
            {(params) => <Redirect to={`/private-apps/${params.accountId}/${params.appId}/overview`} replace />}
          </Route>
          <Route path={ROUTES.privateApp} component={PrivateAppPage} />
          <Route path={ROUTES.appHome} component={AppHomePage} />
          <Route path={ROUTES.settings} component={SettingsPage} />
          <Route path={ROUTES.workflows} component={WorkflowsPage} />
          <Route path="/">
            <Redirect to={paths.crmIndex(session.accountId, "0-1")} replace />
          </Route>
          <Route path="/login">
            <AfterSignIn fallback={paths.crmIndex(session.accountId, "0-1")} />
          </Route>
          <Route>
            <NotFound title="Page not found" back={{ href: paths.crmIndex(session.accountId, "0-1"), label: "Back to contacts" }}>
              There is no console page at {location}.
            </NotFound>
          </Route>
        </Switch>
      </Suspense>
    </PageBoundary>
  );
}

function App() {
  const session = useSessionQuery();
  const [location] = useLocation();
  // An invite link works whoever is signed in, or nobody: accepting it signs the invitee in.
  const invite = /^\/invite\/([^/]+)$/.exec(location);
  if (invite) return <InvitePage token={decodeURIComponent(invite[1]!)} />;
  if (session.isPending) return <Loading label="Starting" />;
  if (session.isError) return <ErrorNotice error={session.error} title="Cannot reach the server" />;
  if (!session.data) return <SignInPage />;
  return (
    <SessionProvider session={session.data}>
      <Shell>
        <AccountGate>
          <Pages />
        </AccountGate>
      </Shell>
    </SessionProvider>
  );
}

/**
 * The whole console. `screen` is a server-rendered first screen: its path and its number and date formats, which the
 * server renders with (`onServer`; the browser's router reads `location`) and the browser hydrates with, kept until its
 * first render has hydrated (transition-location.ts, formats.tsx).
 */
export function ConsoleRoot({
  queryClient,
  screen,
  onServer = false,
}: {
  queryClient: QueryClient;
  screen?: { path: string; formats: Formats };
  onServer?: boolean;
}) {
  const tree = (
    <FormatProvider first={screen?.formats}>
      <App />
    </FormatProvider>
  );
  return (
    <StrictMode>
      {/* Mantine's default theme, whose variables are all in its stylesheet: the provider's own block of them would be
          an empty <style> (it drops every variable equal to the default) after computing all of them on each render,
          1–2 ms of a server render (mantine-provider.test.ts). A theme of the console's own would need the block back. */}
      <MantineProvider withCssVariables={false}>
        <QueryClientProvider client={queryClient}>
          {onServer && screen ? (
            <Router ssrPath={screen.path}>{tree}</Router>
          ) : (
            <TransitionLocation first={screen?.path}>
              <Router hook={useTransitionLocation}>{tree}</Router>
            </TransitionLocation>
          )}
        </QueryClientProvider>
      </MantineProvider>
    </StrictMode>
  );
}
