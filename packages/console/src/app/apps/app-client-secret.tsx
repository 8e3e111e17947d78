// Auth tab: the app's client secret, which signs the requests cards send with hubspot.fetch (X-HubSpot-Signature-v3).
import { useState } from "react";
import type { ClientSecretReveal } from "@sprocket/contract";
import { Button, Code, Group, Paper, Text, Title } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { api } from "../api-client";
import { ErrorNotice } from "../page-parts";

export function AppClientSecret({ appId }: { appId: number }) {
  const [shown, setShown] = useState<string>();
  const reveal = useMutation({
    mutationFn: () => api<ClientSecretReveal>("POST", `/api/v1/private-apps/${appId}/client-secret/reveal`),
    onSuccess: ({ clientSecret }) => setShown(clientSecret),
  });
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="client-secret-title">
      <Title order={2} size="h4" id="client-secret-title" mb="xs">
        Client secret
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Requests your cards send with hubspot.fetch carry an X-HubSpot-Signature-v3 header made with this secret: check it in your backend
        to know they come from this app. Viewing it is recorded in the app's security log.
      </Text>
      <Group gap="sm" wrap="nowrap">
        <Code data-testid="app-client-secret" fz="sm" aria-label={shown ? "Client secret" : "Client secret (hidden)"}>
          {shown ?? "••••••••-••••-••••-••••-••••••••••••"}
        </Code>
        {shown ? (
          <Button variant="default" size="xs" onClick={() => setShown(undefined)}>
            Hide
          </Button>
        ) : (
          <Button variant="default" size="xs" loading={reveal.isPending} onClick={() => reveal.mutate()} aria-label="Show client secret">
            Show
          </Button>
        )}
      </Group>
      {reveal.error ? <ErrorNotice error={reveal.error} /> : null}
    </Paper>
  );
}
