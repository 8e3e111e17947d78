// The navigation's items as Mantine's components write them and as nav-parts.tsx does, rendered on the server as the
// console's first screen is (nav-parts.test.ts compares them).
import type { ReactNode } from "react";
import { renderToString } from "react-dom/server";
import { MantineProvider, NavLink, Text } from "@mantine/core";
import { Link, Router } from "wouter";
import { NavItem, NavTitle } from "../src/app/nav-parts";

const render = (node: ReactNode) =>
  renderToString(
    <MantineProvider>
      <Router ssrPath="/contacts/1/objects/0-1">{node}</Router>
    </MantineProvider>,
  )
    // Mantine's provider writes its own <style> elements first, the same for both.
    .replace(/^(<style[^>]*>[^<]*<\/style>)+/, "");

export const titles = (label: string) => ({
  mantine: render(
    <Text id={`nav-${label}`} size="xs" fw={700} c="dimmed" tt="uppercase" px="md" pt="sm" pb={4}>
      {label}
    </Text>,
  ),
  plain: render(<NavTitle id={`nav-${label}`}>{label}</NavTitle>),
});

export const links = (href: string, label: string, active: boolean) => ({
  mantine: render(<NavLink component={Link} href={href} label={label} active={active} aria-current={active ? "page" : undefined} />),
  plain: render(<NavItem href={href} label={label} active={active} />),
});
