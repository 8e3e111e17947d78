// Settings: users and roles, personal access keys, secrets, connected apps.
import { useDocumentTitle } from "@mantine/hooks";
import { EmptyState, PageTitle } from "../page-parts";
import { PersonalAccessKeys } from "./personal-access-keys";
import { Secrets } from "./secrets";
import { UsersAndRoles } from "./users-and-roles";
import { ConnectedApps } from "./connected-apps";

const titles: Record<string, string> = {
  users: "Users and roles",
  "personal-access-keys": "Personal access keys",
  secrets: "Secrets",
  "connected-apps": "Connected apps",
};

export default function SettingsPage({ params }: { params: { page: string } }) {
  const title = titles[params.page];
  useDocumentTitle(`${title ?? "Settings"} · Sprocket`);
  if (!title)
    return <EmptyState title="Page not found">Settings pages are users, personal-access-keys, secrets and connected-apps.</EmptyState>;
  return (
    <>
      <PageTitle>{title}</PageTitle>
      {params.page === "users" ? <UsersAndRoles /> : null}
      {params.page === "personal-access-keys" ? <PersonalAccessKeys /> : null}
      {params.page === "secrets" ? <Secrets /> : null}
      {params.page === "connected-apps" ? <ConnectedApps /> : null}
    </>
  );
}
