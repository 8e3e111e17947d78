// The header's groups, menu button, texts and sign-out button as plain elements with the classes, attributes and
// styles Mantine's Group, Burger, Text and Button give them (issue #24 item 3), as nav-parts.tsx does for the
// navigation: the same markup (header-parts.test.ts compares it with Mantine's render), without a theme, style-props
// and class-names pass per element on the server and in the hydration.
import type { CSSProperties, ReactNode } from "react";
import { Burger } from "@mantine/core";
import { Link } from "wouter";
import {
  BUTTON,
  BUTTON_INNER,
  BUTTON_LABEL,
  DEFAULT_XS_BUTTON_STYLE,
  GROUP,
  groupStyle as group,
  TEXT,
  textSize,
  UNSTYLED_BUTTON,
} from "./mantine-markup";

/** `<Group gap wrap="nowrap" justify>`'s style props. */
const groupStyle = (gap: "xs" | "sm", justify: "flex-start" | "space-between") => group(gap, justify, "nowrap") as CSSProperties;

/** The header's row: `<Group h="100%" justify="space-between" wrap="nowrap" gap="xs">`. */
export const HeaderRow = ({ children }: { children: ReactNode }) => (
  <div style={{ ...groupStyle("xs", "space-between"), height: "100%" }} className={GROUP}>
    {children}
  </div>
);

/** Its start: `<Group gap="xs" wrap="nowrap">`. */
export const HeaderStart = ({ children }: { children: ReactNode }) => (
  <div style={groupStyle("xs", "flex-start")} className={GROUP}>
    {children}
  </div>
);

/** Its end: `<Group gap="sm" wrap="nowrap" miw={0}>`. */
export const HeaderEnd = ({ children }: { children: ReactNode }) => (
  <div style={{ ...groupStyle("sm", "flex-start"), minWidth: "0rem" }} className={GROUP}>
    {children}
  </div>
);

const BURGER = `mantine-focus-auto ${Burger.classes.root} mantine-Burger-root ${UNSTYLED_BUTTON} mantine-hidden-from-sm`;
const BURGER_LINES = `${Burger.classes.burger} mantine-Burger-burger`;
const BURGER_STYLE = { "--burger-size": "var(--burger-size-sm)" } as CSSProperties;

/** `<Burger opened onClick hiddenFrom="sm" size="sm" aria-label>`: the navigation's menu button below `sm`. */
export const MenuButton = ({ opened, onClick, label }: { opened: boolean; onClick: () => void; label: string }) => (
  <button style={BURGER_STYLE} className={BURGER} data-size="sm" type="button" aria-label={label} onClick={onClick}>
    <div className={BURGER_LINES} data-reduce-motion="true" data-opened={opened || undefined} />
  </button>
);

const HOME_STYLE = { ...textSize("lg"), color: "var(--mantine-color-dark-text)", fontWeight: 700, textDecoration: "none" } as CSSProperties;
const SMALL_STYLE = textSize("sm") as CSSProperties;
const DIMMED_STYLE = { ...textSize("sm"), color: "var(--mantine-color-dimmed)" } as CSSProperties;

/** `<Text fw={700} size="lg" component={Link} href="/" c="dark" td="none">`. */
export const HomeLink = ({ children }: { children: ReactNode }) => (
  <Link style={HOME_STYLE} data-size="lg" href="/" className={TEXT}>
    {children}
  </Link>
);

/** `<Text size="sm" c="dimmed" truncate="end">`: the account's name, when the user has one account. */
export const AccountName = ({ children }: { children: ReactNode }) => (
  <p style={DIMMED_STYLE} className={TEXT} data-size="sm" data-truncate="end">
    {children}
  </p>
);

/** `<Text size="sm" data-testid="signed-in-as" visibleFrom="sm">`. */
export const SignedInAs = ({ email }: { email: string }) => (
  <p style={SMALL_STYLE} className={`${TEXT} mantine-visible-from-sm`} data-size="sm" data-testid="signed-in-as">
    {email}
  </p>
);

/** `<Button variant="default" size="xs" style={{ flexShrink: 0 }}>`'s style props and style, in Mantine's order. */
const BUTTON_STYLE = { ...DEFAULT_XS_BUTTON_STYLE, flexShrink: 0 } as CSSProperties;

/** `<Button variant="default" size="xs" style={{ flexShrink: 0 }} onClick>`: the header's small buttons. */
export const HeaderButton = ({ onClick, children }: { onClick: () => void; children: ReactNode }) => (
  <button style={BUTTON_STYLE} className={BUTTON} data-variant="default" data-size="xs" type="button" onClick={onClick}>
    <span className={BUTTON_INNER}>
      <span className={BUTTON_LABEL}>{children}</span>
    </span>
  </button>
);
