// /app/:accountId/:appId: the app's home page, as HubSpot shows an app's page when the user opens the app.
import { Anchor, Breadcrumbs, Text } from "@mantine/core";
import { useDocumentTitle } from "@mantine/hooks";
import { useQuery } from "@tanstack/react-query";
import { Link } from "wouter";
import { EmptyState, ErrorNotice, Loading, PageTitle } from "../page-parts";
import { paths } from "../paths";
import { useSession } from "../session";
import { AppPageFrame } from "./app-page-frame";
import { appPagesQuery, homePageOf } from "./app-pages-query";
import { useLiveCardBuilds } from "../crm/live-card-builds";

export default function AppHomePage({ params }: { params: { appId: string } }) {
  const { accountId } = useSession();
  const appId = Number(params.appId);
  const pages = useQuery({ ...appPagesQuery(accountId, appId), enabled: Number.isInteger(appId) });
  useLiveCardBuilds(accountId);
  const home = homePageOf(pages.data, appId);
  useDocumentTitle(`${home?.appName ?? "App"} · Home · Sprocket`);
  if (!Number.isInteger(appId)) return <EmptyState title="No such app">“{params.appId}” is not an app id.</EmptyState>;
  if (pages.isPending) return <Loading />;
  if (pages.isError) return <ErrorNotice error={pages.error} title="Cannot load the app's pages" />;
  if (!home)
    return (
      <EmptyState title="No app home page">
        App {appId} has no home page in its live build. A 2025.2 project gives it one with a <code>page</code> component in location{" "}
        <code>home</code>.
      </EmptyState>
    );
  return (
    <>
      <Breadcrumbs mb="xs" aria-label="Breadcrumb">
        <Anchor component={Link} href={paths.privateApp(accountId, appId)} size="sm">
          {home.appName}
        </Anchor>
        <Text size="sm">Home</Text>
      </Breadcrumbs>
      <PageTitle>{home.appName}</PageTitle>
      <AppPageFrame key={home.bundleUrl} page={home} viewer={pages.data} label={`${home.appName} home`} />
    </>
  );
}
