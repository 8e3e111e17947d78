// The frame around every page: navigation, account switcher, sign-out.
import { useEffect, type ReactNode } from "react";
import { AppShell, ScrollArea, Select } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useLocation } from "wouter";
import { AppHomeNav } from "./apps/app-home-nav";
import { AccountName, HeaderButton, HeaderEnd, HeaderRow, HeaderStart, HomeLink, MenuButton, SignedInAs } from "./header-parts";
import { NavItem, NavTitle } from "./nav-parts";
import type { CrmObjectType } from "./crm/object-types";
import { useCrmObjectTypes } from "./crm/use-object-types";
import { paths, pathInAccount } from "./paths";
import { isSuperAdmin, useSession, useSessionActions } from "./session";

interface NavItem {
  label: string;
  href: string;
  /** The URL prefix under which the item is the current page. */
  match: string;
}

function navSections(accountId: number, superAdmin: boolean, crmTypes: CrmObjectType[]): { label: string; items: NavItem[] }[] {
  return [
    {
      label: "CRM",
      items: crmTypes.map((type) => ({
        label: type.plural,
        href: paths.crmIndex(accountId, type.objectTypeId),
        match: `/contacts/${accountId}/(objects|record)/${type.objectTypeId}(/|$)`,
      })),
    },
    {
      label: "Development",
      items: [
        { label: "Projects", href: paths.projects(accountId), match: `/developer-projects/${accountId}(/|$)` },
        ...(superAdmin ? [{ label: "Private apps", href: paths.privateApps(accountId), match: `/private-apps/${accountId}(/|$)` }] : []),
      ],
    },
    // Workflows run apps' actions and write to any record of their type: super admins only, as private apps.
    ...(superAdmin
      ? [{ label: "Automation", items: [{ label: "Workflows", href: paths.workflows(accountId), match: `/workflows/${accountId}(/|$)` }] }]
      : []),
    {
      label: "Settings",
      items: [
        { label: "Users and roles", href: paths.settings(accountId, "users"), match: `/settings/${accountId}/users` },
        {
          label: "Personal access keys",
          href: paths.settings(accountId, "personal-access-keys"),
          match: `/settings/${accountId}/personal-access-keys`,
        },
        { label: "Secrets", href: paths.settings(accountId, "secrets"), match: `/settings/${accountId}/secrets` },
        ...(superAdmin
          ? [{ label: "Connected apps", href: paths.settings(accountId, "connected-apps"), match: `/settings/${accountId}/connected-apps` }]
          : []),
      ],
    },
  ];
}

function AccountSwitcher() {
  const session = useSession();
  const [location, navigate] = useLocation();
  if (session.accounts.length < 2) {
    const account = session.accounts.find((a) => a.id === session.accountId);
    return (
      <AccountName>
        {account?.name ?? "Account"} · {session.accountId}
      </AccountName>
    );
  }
  return (
    <Select
      aria-label="Account"
      size="xs"
      w={{ base: 150, sm: 260 }}
      allowDeselect={false}
      data={session.accounts.map((a) => ({ value: String(a.id), label: `${a.name} (${a.id})` }))}
      value={String(session.accountId)}
      // The URL names the account and AccountGate (app.tsx) follows it with the one switch. Switching here too, then
      // navigating, raced the gate: the new session could render beside the old URL (the location updates in a
      // transition, transition-location.ts), and the gate switched back to the URL's account.
      onChange={(value) => {
        if (value) navigate(pathInAccount(location, Number(value)));
      }}
    />
  );
}

export function Shell({ children }: { children: ReactNode }) {
  const session = useSession();
  const { signOut } = useSessionActions();
  const [location, navigate] = useLocation();
  const { types } = useCrmObjectTypes();
  const sections = navSections(session.accountId, isSuperAdmin(session), types);
  // Below the `sm` breakpoint the navigation folds behind a menu button; choosing a page folds it again.
  const [navOpen, nav] = useDisclosure(false);
  const closeNav = nav.close;
  useEffect(() => closeNav(), [location, closeNav]);
  return (
    <AppShell
      header={{ height: 52 }}
      navbar={{ width: 220, breakpoint: "sm", collapsed: { mobile: !navOpen } }}
      padding={{ base: "xs", sm: "lg" }}
    >
      <AppShell.Header px={{ base: "xs", sm: "md" }}>
        {/* Plain elements with Mantine's classes (header-parts.tsx). */}
        <HeaderRow>
          <HeaderStart>
            <MenuButton opened={navOpen} onClick={nav.toggle} label={navOpen ? "Close navigation" : "Open navigation"} />
            <HomeLink>Sprocket</HomeLink>
          </HeaderStart>
          <HeaderEnd>
            <AccountSwitcher />
            <SignedInAs email={session.email} />
            <HeaderButton
              onClick={async () => {
                await signOut();
                navigate("/");
              }}
            >
              Sign out
            </HeaderButton>
          </HeaderEnd>
        </HeaderRow>
      </AppShell.Header>
      <AppShell.Navbar component="nav" aria-label="Main">
        <ScrollArea py="sm">
          {sections.map((section) => (
            <div key={section.label} role="group" aria-labelledby={`nav-${section.label}`}>
              <NavTitle id={`nav-${section.label}`}>{section.label}</NavTitle>
              {section.items.map((item) => (
                <NavItem key={item.href} href={item.href} label={item.label} active={new RegExp(`^${item.match}`).test(location)} />
              ))}
            </div>
          ))}
          <AppHomeNav />
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main className="sprocket-main">{children}</AppShell.Main>
    </AppShell>
  );
}
