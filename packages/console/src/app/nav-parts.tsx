// The navigation's section titles and links as plain elements with the classes, attributes and styles Mantine's Text
// and NavLink give them (issue #24 item 3): the same markup (nav-parts.test.ts compares it with Mantine's render), without
// a theme, style-props and class-names pass per item on every render of the shell, on the server and in the hydration.
import { NavLink, Text, UnstyledButton } from "@mantine/core";
import { Link } from "wouter";

const TITLE = `mantine-focus-auto ${Text.classes.root} mantine-Text-root`;
/** `<Text size="xs" fw={700} c="dimmed" tt="uppercase" px="md" pt="sm" pb={4}>`'s style props, in Mantine's order. */
const TITLE_STYLE = {
  "--text-fz": "var(--mantine-font-size-xs)",
  "--text-lh": "var(--mantine-line-height-xs)",
  paddingInline: "var(--mantine-spacing-md)",
  paddingTop: "var(--mantine-spacing-sm)",
  paddingBottom: "calc(0.25rem * var(--mantine-scale))",
  color: "var(--mantine-color-dimmed)",
  fontWeight: 700,
  textTransform: "uppercase",
} as const;

const LINK = `mantine-focus-auto ${NavLink.classes.root} mantine-NavLink-root ${UnstyledButton.classes.root} mantine-UnstyledButton-root`;
const BODY = `${NavLink.classes.body} mantine-NavLink-body`;
const LABEL = `${NavLink.classes.label} mantine-NavLink-label`;
const DESCRIPTION = `${NavLink.classes.description} mantine-NavLink-description`;

/** A section's title, the group's label (`id`). */
export function NavTitle({ id, children }: { id: string; children: string }) {
  return (
    <p style={TITLE_STYLE} className={TITLE} data-size="xs" id={id}>
      {children}
    </p>
  );
}

/** `<NavLink component={Link} href label active aria-current>`: a link, marked as the current page when `active`. */
export function NavItem({ href, label, active }: { href: string; label: string; active: boolean }) {
  return (
    <Link data-active={active || undefined} aria-current={active ? "page" : undefined} href={href} className={LINK}>
      <div className={BODY}>
        <span className={LABEL}>{label}</span>
        <span className={DESCRIPTION} data-active={active || undefined} />
      </div>
    </Link>
  );
}
