// Small pieces every page uses: loading, empty and error states.
import { Alert, Anchor, Center, Loader, Stack, Text, Title } from "@mantine/core";
import { Component, type CSSProperties, type ReactNode } from "react";
import { Link } from "wouter";
import { ApiRequestError } from "./api-client";
import type { Formats } from "./formats";

export function Loading({ label = "Loading" }: { label?: string }) {
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Loader size="sm" aria-hidden="true" />
      <Text size="sm" c="dimmed" ml="sm">
        {label}…
      </Text>
    </Center>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <Stack align="center" gap={4} py="xl" ta="center">
      <Text fw={600}>{title}</Text>
      {children ? (
        <Text size="sm" c="dimmed" maw={520}>
          {children}
        </Text>
      ) : null}
    </Stack>
  );
}

export const isNotFound = (error: unknown) => error instanceof ApiRequestError && error.status === 404;

/** Something the URL names does not exist: say what, and offer the way back (the API's 404 speaks to CLI users). */
export function NotFound({ title, children, back }: { title: string; children: ReactNode; back: { href: string; label: string } }) {
  return (
    <Stack align="center" gap="xs" py="xl" ta="center" data-testid="not-found">
      <Title order={1} size="h3">
        {title}
      </Title>
      <Text size="sm" c="dimmed" maw={520}>
        {children}
      </Text>
      <Anchor component={Link} href={back.href}>
        ← {back.label}
      </Anchor>
    </Stack>
  );
}

/** An API failure as the user should see it: the server's message, and the correlation id to quote. */
export function ErrorNotice({ error, title = "Something went wrong" }: { error: unknown; title?: string }) {
  const api = error instanceof ApiRequestError ? error : undefined;
  return (
    <Alert color="red" title={api?.status === 403 ? "Not allowed" : title} role="alert">
      <Text size="sm">{error instanceof Error ? error.message : String(error)}</Text>
      {api?.correlationId ? (
        <Text size="xs" c="dimmed" mt={4}>
          Correlation id: {api.correlationId}
        </Text>
      ) : null}
    </Alert>
  );
}

const TITLE_STACK = `${Stack.classes.root} mantine-Stack-root`;
const TITLE_STACK_STYLE = {
  "--stack-gap": "0rem",
  "--stack-align": "stretch",
  "--stack-justify": "flex-start",
  marginBottom: "var(--mantine-spacing-md)",
} as CSSProperties;
const TITLE_ROW_STYLE = { display: "flex", alignItems: "center", justifyContent: "space-between", gap: 16, flexWrap: "wrap" } as const;
const TITLE = `${Title.classes.root} mantine-Title-root`;
const TITLE_STYLE = {
  "--title-fw": "var(--mantine-h2-font-weight)",
  "--title-lh": "var(--mantine-h2-line-height)",
  "--title-fz": "var(--mantine-h2-font-size)",
} as CSSProperties;

/**
 * A page's heading and its actions: `<Stack gap={0} mb="md">` around `<Title order={1} size="h2">`, as plain elements
 * with Mantine's classes and styles (a first screen's, issue #24 item 3; page-title.test.ts compares the markup).
 */
export function PageTitle({ children, actions }: { children: ReactNode; actions?: ReactNode }) {
  return (
    <div style={TITLE_STACK_STYLE} className={TITLE_STACK}>
      <div style={TITLE_ROW_STYLE}>
        <h1 style={TITLE_STYLE} className={TITLE} data-size="h2" data-order="1">
          {children}
        </h1>
        {actions}
      </div>
    </div>
  );
}

/** The fields `Date.prototype.toLocaleString` shows when given none (ECMA-402's ToDateTimeOptions "any", "all"). */
const DATE_AND_TIME = { year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" } as const;
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * A date in the browser's locale and time zone, or in `formats` (a server-rendered first screen's, formats.tsx); the
 * text `toLocaleString` gives. One formatter per locale and zone: `toLocaleString` with a zone builds a new one each
 * call (about 0.3 ms, a table of dates' largest cost in a server render and in the browser's).
 */
export const formatDate = (value: string | number | null | undefined, formats: Formats = {}): string => {
  if (value === null || value === undefined || value === "") return "—";
  const date = new Date(typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value);
  if (Number.isNaN(date.getTime())) return String(value);
  const key = `${formats.locale ?? ""} ${formats.timeZone ?? ""}`;
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(formats.locale, { ...DATE_AND_TIME, timeZone: formats.timeZone });
    dateFormats.set(key, format);
  }
  return format.format(date);
};

/** A page that throws shows its error; the navigation around it keeps working. */
export class PageBoundary extends Component<{ children: ReactNode; resetKey: string }, { error?: unknown }> {
  override state: { error?: unknown } = {};
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  override componentDidUpdate(previous: { resetKey: string }) {
    if (previous.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: undefined });
  }
  override render() {
    return this.state.error ? <ErrorNotice error={this.state.error} title="This page failed" /> : this.props.children;
  }
}
