// Super admins invite people by email with a role. There is no mail server: the one-time link is shown here once (and
// written to the server log) for the admin to pass on; it expires, and works once.
import { useState } from "react";
import { Alert, Button, Code, CopyButton, Group, Select, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { CreatedInvite, InviteRequest, PendingInviteList, Role } from "@sprocket/contract";
import { api } from "../api-client";
import { ErrorNotice, formatDate } from "../page-parts";
import { useSession } from "../session";
import { roleLabels, roleOptions } from "./roles";

export function InvitePeople() {
  const { accountId } = useSession();
  const queryClient = useQueryClient();
  const key = ["account-invites", accountId];
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("user");
  const pending = useQuery({ queryKey: key, queryFn: () => api<PendingInviteList>("GET", "/api/v1/account-invites") });
  const invite = useMutation({
    mutationFn: () => api<CreatedInvite>("POST", "/api/v1/account-invites", { email: email.trim(), role } satisfies InviteRequest),
    onSuccess: async () => {
      setEmail("");
      await queryClient.invalidateQueries({ queryKey: key });
    },
  });
  const created = invite.data;
  return (
    <Stack gap="xs" mb="lg" component="section" aria-labelledby="invite-title" maw={760}>
      <Title order={2} size="h5" id="invite-title">
        Invite people
      </Title>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          invite.mutate();
        }}
      >
        <Group align="flex-start" gap="sm">
          <TextInput
            label="Email"
            type="email"
            placeholder="name@example.com"
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            w={280}
            error={invite.error ? invite.error.message : undefined}
          />
          <Select label="Role" data={roleOptions} value={role} onChange={(r) => r && setRole(r as Role)} allowDeselect={false} w={160} />
          <Button type="submit" mt={25} disabled={!email.trim()} loading={invite.isPending}>
            Create invite link
          </Button>
        </Group>
      </form>
      {created ? (
        <Alert color="green" role="status" title={`Invite link for ${created.email}`}>
          <Text size="sm">
            Send this link to {created.email}; it works once, until {formatDate(created.expiresAt)}. It is shown only now (the server log
            has it too).
          </Text>
          <Group gap="xs" mt="xs" wrap="nowrap">
            <Code data-testid="invite-url" style={{ overflowWrap: "anywhere" }}>
              {created.url}
            </Code>
            <CopyButton value={created.url}>
              {({ copied, copy }) => (
                <Button size="xs" variant="light" onClick={copy} color={copied ? "teal" : undefined}>
                  {copied ? "Copied" : "Copy link"}
                </Button>
              )}
            </CopyButton>
          </Group>
        </Alert>
      ) : null}
      {pending.isError ? <ErrorNotice error={pending.error} /> : null}
      {pending.data && pending.data.results.length > 0 ? (
        <Table aria-label="Pending invitations">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Invited</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Link expires</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {pending.data.results.map((p) => (
              <Table.Tr key={p.id}>
                <Table.Td>{p.email}</Table.Td>
                <Table.Td>{roleLabels[p.role]}</Table.Td>
                <Table.Td>{formatDate(p.expiresAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
    </Stack>
  );
}
