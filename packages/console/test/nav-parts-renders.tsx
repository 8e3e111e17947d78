// The navigation's items as Mantine's components write them and as nav-parts.tsx does, rendered on the server as the
// console's first screen is (nav-parts.test.ts compares them).
import { NavLink, Text } from "@mantine/core";
import { Link } from "wouter";
import { renderWithMantine as render } from "./mantine-render";
import { NavItem, NavTitle } from "../src/app/nav-parts";

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
