// The page an invite link opens (`/invite/:token`), signed in or not: a new person sets a password, someone with a
// login proves it with theirs; either way they land in the account they were invited to, signed in.
import { useState, type FormEvent } from "react";
import { Anchor, Button, Center, Group, Paper, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useLocation } from "wouter";
import type { InviteInfo } from "@sprocket/contract";
import { api, errorText } from "./api-client";
import { ErrorNotice, isNotFound, Loading } from "./page-parts";
import { paths } from "./paths";
import { useSessionActions } from "./session";

const roleLabels: Record<InviteInfo["role"], string> = { super_admin: "a super admin", admin: "an admin", user: "a user" };

export function InvitePage({ token }: { token: string }) {
  const invite = useQuery({
    queryKey: ["invite", token],
    queryFn: () => api<InviteInfo>("GET", `/api/v1/invites/${encodeURIComponent(token)}`),
  });
  return (
    <Center mih="100vh" bg="gray.0" component="main">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="min(420px, 94vw)">
        {invite.isPending ? (
          <Loading label="Opening the invitation" />
        ) : isNotFound(invite.error) ? (
          <Stack>
            <Title order={1} size="h3">
              Invitation not found
            </Title>
            <Text size="sm">This invite link is unknown, already used or expired. Ask a super admin of the account for a new one.</Text>
            <Anchor href="/" size="sm">
              Go to sign-in
            </Anchor>
          </Stack>
        ) : invite.isError ? (
          <ErrorNotice error={invite.error} />
        ) : (
          <AcceptForm token={token} invite={invite.data} />
        )}
      </Paper>
    </Center>
  );
}

function AcceptForm({ token, invite }: { token: string; invite: InviteInfo }) {
  const { acceptInvite } = useSessionActions();
  const [, navigate] = useLocation();
  const [firstName, setFirstName] = useState("");
  const [lastName, setLastName] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const tooShort = !invite.existingUser && password.length > 0 && password.length < 8;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await acceptInvite(token, invite.existingUser ? { password } : { password, firstName, lastName });
      navigate(paths.crmIndex(invite.accountId, "0-1"), { replace: true });
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} aria-labelledby="invite-title" noValidate>
      <Stack>
        <div>
          <Title order={1} size="h3" id="invite-title">
            Join {invite.accountName}
          </Title>
          <Text size="sm" c="dimmed">
            You are invited as {roleLabels[invite.role]} of account {invite.accountId}.
          </Text>
        </div>
        <TextInput label="Email" value={invite.email} readOnly autoComplete="username" />
        {invite.existingUser ? (
          <Text size="sm">You already have a Sprocket login: enter its password to add this account to it.</Text>
        ) : (
          <Group grow>
            <TextInput
              label="First name"
              value={firstName}
              onChange={(e) => setFirstName(e.currentTarget.value)}
              autoComplete="given-name"
            />
            <TextInput label="Last name" value={lastName} onChange={(e) => setLastName(e.currentTarget.value)} autoComplete="family-name" />
          </Group>
        )}
        <PasswordInput
          label={invite.existingUser ? "Your password" : "Choose a password"}
          description={invite.existingUser ? undefined : "At least 8 characters"}
          autoComplete={invite.existingUser ? "current-password" : "new-password"}
          required
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          error={error ?? (tooShort ? "At least 8 characters." : undefined)}
        />
        <Button type="submit" loading={busy} disabled={!password || tooShort}>
          Join {invite.accountName}
        </Button>
      </Stack>
    </form>
  );
}
