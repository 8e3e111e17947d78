// The classes and style props Mantine's Group, Text and Button write, for the plain elements that stand in for them on
// the first screen (header-parts.tsx, crm/index-parts.tsx; issue #24 item 3). Class names are read from the components'
// own modules, not copied; each plain part has a test that its markup is Mantine's.
import type { CSSProperties } from "react";
import { Button, Group, Text, UnstyledButton } from "@mantine/core";

type Spacing = "xs" | "sm" | "md";

export const GROUP = `${Group.classes.root} mantine-Group-root`;
/** `<Group gap justify wrap>`'s style props, in Mantine's order (align is Group's default, center). */
export const groupStyle = (
  gap: Spacing,
  justify: "flex-start" | "space-between",
  wrap: "wrap" | "nowrap",
): Record<`--group-${string}`, string> => ({
  "--group-gap": `var(--mantine-spacing-${gap})`,
  "--group-align": "center",
  "--group-justify": justify,
  "--group-wrap": wrap,
});

export const TEXT = `mantine-focus-auto ${Text.classes.root} mantine-Text-root`;
/** `<Text size>`'s style props. */
export const textSize = (size: "xs" | "sm" | "lg") => ({
  "--text-fz": `var(--mantine-font-size-${size})`,
  "--text-lh": `var(--mantine-line-height-${size})`,
});

export const UNSTYLED_BUTTON = `${UnstyledButton.classes.root} mantine-UnstyledButton-root`;
const BUTTON_ROOT = `${Button.classes.root} mantine-Button-root ${UNSTYLED_BUTTON}`;
/** A Button's classes; a disabled one has no `mantine-active` (the press effect). */
export const BUTTON = `mantine-focus-auto mantine-active ${BUTTON_ROOT}`;
export const DISABLED_BUTTON = `mantine-focus-auto ${BUTTON_ROOT}`;
export const BUTTON_INNER = `${Button.classes.inner} mantine-Button-inner`;
export const BUTTON_LABEL = `${Button.classes.label} mantine-Button-label`;
/** `<Button variant="default" size="xs">`'s style props, in Mantine's order. */
export const DEFAULT_XS_BUTTON_STYLE = {
  "--button-height": "var(--button-height-xs)",
  "--button-padding-x": "var(--button-padding-x-xs)",
  "--button-fz": "var(--mantine-font-size-xs)",
  "--button-bg": "var(--mantine-color-default)",
  "--button-hover": "var(--mantine-color-default-hover)",
  "--button-color": "var(--mantine-color-default-color)",
  "--button-bd": "calc(0.0625rem * var(--mantine-scale)) solid var(--mantine-color-default-border)",
} as CSSProperties;
