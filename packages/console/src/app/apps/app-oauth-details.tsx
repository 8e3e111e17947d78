// Auth tab of an OAuth app: what its backend and install link need (HubSpot's client id, redirect URLs, install URL).
import { Code, List, Paper, Stack, Text, Title } from "@mantine/core";
import type { AppAuth } from "@sprocket/contract";

/** HubSpot's install URL for the app: the first redirect URL, the required scopes, the optional ones apart. */
function installUrl(auth: Extract<AppAuth, { type: "oauth" }>): string {
  const params = new URLSearchParams({
    client_id: auth.clientId ?? "",
    redirect_uri: auth.redirectUrls[0] ?? "",
    scope: auth.requiredScopes.join(" "),
  });
  if (auth.optionalScopes.length) params.set("optional_scope", auth.optionalScopes.join(" "));
  return `${window.location.origin}/oauth/authorize?${params}`;
}

export function AppOAuthDetails({ auth }: { auth: Extract<AppAuth, { type: "oauth" }> }) {
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="oauth-title">
      <Title order={2} size="h4" id="oauth-title" mb="xs">
        OAuth
      </Title>
      <Stack gap="xs">
        <Text size="sm">
          Accounts install this app ({auth.distribution} distribution); its backend exchanges the code at <Code>POST /oauth/v1/token</Code>{" "}
          with the client id and the client secret below.
        </Text>
        <Text size="sm">
          Client id <Code data-testid="app-client-id">{auth.clientId}</Code>
        </Text>
        <Text size="sm">Redirect URLs</Text>
        <List size="sm">
          {auth.redirectUrls.map((url) => (
            <List.Item key={url}>
              <Code>{url}</Code>
            </List.Item>
          ))}
        </List>
        {auth.optionalScopes.length ? <Text size="sm">Optional scopes: {auth.optionalScopes.join(", ")}</Text> : null}
        <Text size="sm">Install URL</Text>
        <Code block data-testid="app-install-url" style={{ wordBreak: "break-all" }}>
          {installUrl(auth)}
        </Code>
      </Stack>
    </Paper>
  );
}
