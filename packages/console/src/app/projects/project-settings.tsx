// Project settings: auto-deploy of successful builds, and the git repository whose pushes build the project.
import { useState } from "react";
import { Alert, Button, Code, Group, Paper, Stack, Switch, Text, TextInput, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ErrorNotice, Loading } from "../page-parts";
import { useSession } from "../session";
import { fieldErrors } from "../crm/property-panel";
import type { Project } from "@sprocket/contract";
import { projectsApi } from "./project-types";

/** 32 random bytes as hex: a webhook secret nobody has to invent. */
function randomSecret(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, "0")).join("");
}

export function ProjectSettings({ project }: { project: Project }) {
  const { accountId } = useSession();
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: ["project-settings", accountId, project.name], queryFn: () => projectsApi.settings(project.name) });
  const autoDeploy = useMutation({
    mutationFn: (enabled: boolean) => projectsApi.setAutoDeploy(project.name, enabled),
    onSuccess: (data) => queryClient.setQueryData(["project-settings", accountId, project.name], data),
  });
  const linked = project.sourceIntegration;
  const [repositoryUrl, setRepositoryUrl] = useState(linked?.url ?? "");
  const [branch, setBranch] = useState(linked?.branch ?? "main");
  const [webhookSecret, setWebhookSecret] = useState("");
  const [saved, setSaved] = useState<{ webhookUrl: string; secret: string }>();
  const link = useMutation({
    mutationFn: () => projectsApi.linkRepository(project.name, { repositoryUrl, branch, webhookSecret }),
    onSuccess: async (result) => {
      setSaved({ webhookUrl: result.webhookUrl, secret: webhookSecret });
      setWebhookSecret("");
      await queryClient.invalidateQueries({ queryKey: ["project", accountId, project.name] });
    },
  });
  const unlink = useMutation({
    mutationFn: () => projectsApi.unlinkRepository(project.name),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["project", accountId, project.name] }),
  });
  const errors = fieldErrors(link.error);
  const webhookUrl = saved?.webhookUrl ?? `${location.origin}/git-webhooks/v1/projects/${project.id}`;

  return (
    <>
      <Paper withBorder p="md" component="section" aria-labelledby="deploy-settings-title">
        <Title order={2} size="h4" id="deploy-settings-title" mb="sm">
          Deploys
        </Title>
        {settings.isPending ? <Loading /> : null}
        {settings.isError ? <ErrorNotice error={settings.error} /> : null}
        {settings.data ? (
          <Switch
            label="Deploy successful builds automatically"
            checked={settings.data.isAutoDeployEnabled}
            disabled={autoDeploy.isPending}
            onChange={(e) => autoDeploy.mutate(e.currentTarget.checked)}
          />
        ) : null}
        {autoDeploy.error ? <ErrorNotice error={autoDeploy.error} /> : null}
      </Paper>
      <Paper withBorder p="md" component="section" aria-labelledby="git-title">
        <Title order={2} size="h4" id="git-title" mb="xs">
          Git repository
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          {linked
            ? `Pushes to ${linked.branch} of ${linked.url} build this project.`
            : "Link a repository: each push to its branch, signed with the webhook secret, builds the project."}
        </Text>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            link.mutate();
          }}
        >
          <Stack gap="sm" maw={640}>
            <TextInput
              label="Repository URL"
              placeholder="https://github.com/acme/crm-app.git"
              required
              value={repositoryUrl}
              onChange={(e) => setRepositoryUrl(e.currentTarget.value)}
              error={errors.repositoryUrl}
            />
            <TextInput label="Branch" required value={branch} onChange={(e) => setBranch(e.currentTarget.value)} error={errors.branch} />
            <Group align="flex-end" wrap="nowrap">
              <TextInput
                label="Webhook secret"
                description="At least 16 characters; enter the same secret in your git host's webhook settings."
                required
                flex={1}
                value={webhookSecret}
                onChange={(e) => setWebhookSecret(e.currentTarget.value)}
                error={errors.webhookSecret}
                autoComplete="off"
              />
              <Button variant="default" onClick={() => setWebhookSecret(randomSecret())}>
                Generate
              </Button>
            </Group>
            {link.error && Object.keys(errors).length === 0 ? <ErrorNotice error={link.error} title="Not linked" /> : null}
            <Group>
              <Button type="submit" loading={link.isPending} disabled={!repositoryUrl || !branch || !webhookSecret}>
                {linked ? "Update link" : "Link repository"}
              </Button>
              {linked ? (
                <Button variant="subtle" color="red" onClick={() => unlink.mutate()} loading={unlink.isPending}>
                  Unlink
                </Button>
              ) : null}
            </Group>
          </Stack>
        </form>
        {linked || saved ? (
          <Alert mt="md" color="blue" title="Webhook">
            <Text size="sm">
              Payload URL: <Code data-testid="webhook-url">{webhookUrl}</Code> (content type application/json, push events).
            </Text>
            {saved ? (
              <Text size="sm" mt={4}>
                Secret: <Code data-testid="webhook-secret">{saved.secret}</Code> — copy it now, it is stored encrypted and not shown again.
              </Text>
            ) : null}
          </Alert>
        ) : null}
      </Paper>
    </>
  );
}
