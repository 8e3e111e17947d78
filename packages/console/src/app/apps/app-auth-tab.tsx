// Auth tab: scopes, the access token, the client secret (show, copy, rotate, expire the old one) and deleting the app.
import { useState } from "react";
import { Alert, Badge, Button, Code, Group, Menu, Modal, Paper, Stack, Text, TextInput, Title } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useLocation } from "wouter";
import { api, errorText } from "../api-client";
import { ErrorNotice, formatDate } from "../page-parts";
import { paths } from "../paths";
import { useSession } from "../session";
import type { PrivateAppDetail, TokenReveal, TokenRotation } from "@sprocket/contract";
import { AppClientSecret } from "./app-client-secret";
import { AppOAuthDetails } from "./app-oauth-details";
import { AppInstalls } from "./app-installs";

export function AppAuthTab({ app }: { app: PrivateAppDetail }) {
  const { accountId } = useSession();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [revealed, setRevealed] = useState<string>();
  const [copied, setCopied] = useState<string>();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [typedName, setTypedName] = useState("");
  const base = `/api/v1/private-apps/${app.appId}`;
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["private-app", accountId] });

  const reveal = useMutation({
    mutationFn: () => api<TokenReveal>("POST", `${base}/token/reveal`),
    onSuccess: ({ token }) => setRevealed(token),
  });
  const rotate = useMutation({
    mutationFn: (mode: "now" | "later") => api<TokenRotation>("POST", `${base}/token/rotate`, { mode }),
    onSuccess: async ({ token }) => {
      setRevealed(token);
      await refresh();
    },
  });
  const expireOld = useMutation({ mutationFn: () => api("POST", `${base}/token/expire-old`), onSuccess: refresh });
  const remove = useMutation({
    mutationFn: () => api("DELETE", base),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ["private-apps", accountId] });
      navigate(paths.privateApps(accountId));
    },
  });

  async function copy() {
    try {
      const token = revealed ?? (await reveal.mutateAsync()).token;
      await navigator.clipboard.writeText(token);
      setCopied("Token copied to the clipboard.");
    } catch (e) {
      setCopied(`Could not copy: ${errorText(e)}`);
    }
  }

  const token = app.token;
  const failure = reveal.error ?? rotate.error ?? expireOld.error;
  return (
    <Stack gap="lg" maw={900}>
      {/* An OAuth app has no static token: accounts install it and its backend gets tokens from /oauth/v1/token. */}
      {app.auth?.type === "oauth" ? <AppOAuthDetails auth={app.auth} /> : null}
      {app.auth?.type === "oauth" ? <AppInstalls appId={app.appId} /> : null}
      <Paper withBorder p="md" component="section" aria-labelledby="token-title" display={app.auth?.type === "oauth" ? "none" : undefined}>
        <Title order={2} size="h4" id="token-title" mb="xs">
          Access token
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          Use this token to authenticate calls to the CRM API. Viewing, copying and rotating it are recorded in the app's security log.
        </Text>
        {token ? (
          <Stack gap="xs">
            <Group gap="sm" wrap="nowrap">
              <Code
                data-testid="app-token"
                fz="sm"
                style={{ wordBreak: "break-all" }}
                aria-label={revealed ? "Access token" : "Access token (hidden)"}
              >
                {revealed ?? token.current.masked}
              </Code>
              {revealed ? (
                <Button variant="default" size="xs" onClick={() => setRevealed(undefined)}>
                  Hide
                </Button>
              ) : (
                <Button
                  variant="default"
                  size="xs"
                  loading={reveal.isPending}
                  onClick={() => reveal.mutate()}
                  aria-label="Show access token"
                >
                  Show
                </Button>
              )}
              <Button variant="default" size="xs" onClick={copy}>
                Copy
              </Button>
              <Menu position="bottom-end" withinPortal>
                <Menu.Target>
                  <Button size="xs" loading={rotate.isPending}>
                    Rotate
                  </Button>
                </Menu.Target>
                <Menu.Dropdown>
                  <Menu.Item onClick={() => rotate.mutate("now")}>Rotate now (the old token stops working at once)</Menu.Item>
                  <Menu.Item onClick={() => rotate.mutate("later")}>Rotate and expire the old token in 7 days</Menu.Item>
                </Menu.Dropdown>
              </Menu>
            </Group>
            <Text size="xs" c="dimmed">
              Created {formatDate(token.current.createdAt)} · last used {formatDate(token.current.lastUsedAt)}
            </Text>
            {copied ? (
              <Text size="xs" role="status">
                {copied}
              </Text>
            ) : null}
            {token.previous ? (
              <Alert color="yellow" title="The previous token still works" data-testid="previous-token">
                <Text size="sm">
                  It expires {formatDate(token.previous.expiresAt)} (last used {formatDate(token.previous.lastUsedAt)}).
                </Text>
                <Button mt="xs" size="xs" color="yellow" loading={expireOld.isPending} onClick={() => expireOld.mutate()}>
                  Expire old token now
                </Button>
              </Alert>
            ) : null}
          </Stack>
        ) : (
          <Text size="sm">This app has no live token. Rotate it to create one.</Text>
        )}
        {!token ? (
          <Button mt="sm" size="xs" onClick={() => rotate.mutate("now")} loading={rotate.isPending}>
            Create a token
          </Button>
        ) : null}
        {failure ? (
          <Stack mt="sm">
            <ErrorNotice error={failure} />
          </Stack>
        ) : null}
      </Paper>

      <AppClientSecret appId={app.appId} />

      <Paper withBorder p="md" component="section" aria-labelledby="scopes-title">
        <Title order={2} size="h4" id="scopes-title" mb="xs">
          Scopes
        </Title>
        <Group gap="xs" component="ul" style={{ listStyle: "none", padding: 0, margin: 0 }}>
          {app.scopes.map((scope) => (
            <li key={scope}>
              <Badge variant="light" tt="none">
                {scope}
              </Badge>
            </li>
          ))}
        </Group>
        <Text size="xs" c="dimmed" mt="xs">
          Scopes come from the app's app.json; change them there and upload the project.
        </Text>
      </Paper>

      <Paper withBorder p="md" component="section" aria-labelledby="delete-title" style={{ borderColor: "var(--mantine-color-red-3)" }}>
        <Title order={2} size="h4" id="delete-title" mb="xs">
          Delete this app
        </Title>
        <Text size="sm" mb="sm">
          Its token stops working at once, its cards disappear from record pages. This cannot be undone.
        </Text>
        <Button color="red" variant="outline" onClick={() => setConfirmDelete(true)}>
          Delete app
        </Button>
      </Paper>

      <Modal opened={confirmDelete} onClose={() => setConfirmDelete(false)} title={`Delete ${app.name}?`}>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (typedName === app.name) remove.mutate();
          }}
        >
          <Stack>
            <Text size="sm">
              Type <b>{app.name}</b> to confirm.
            </Text>
            <TextInput
              label="App name"
              value={typedName}
              onChange={(e) => setTypedName(e.currentTarget.value)}
              data-autofocus
              autoComplete="off"
            />
            {remove.error ? <ErrorNotice error={remove.error} /> : null}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setConfirmDelete(false)}>
                Cancel
              </Button>
              <Button type="submit" color="red" disabled={typedName !== app.name} loading={remove.isPending}>
                Delete permanently
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Stack>
  );
}
