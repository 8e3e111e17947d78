// The account's members and their roles; super admins change roles (only super admins see private apps and tokens)
// and invite people by email.
import { Badge, Select, Table, Text } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Role } from "@sprocket/contract";
import { api } from "../api-client";
import { useMembers } from "../member-emails";
import { ErrorNotice, Loading } from "../page-parts";
import { useSession } from "../session";
import { InvitePeople } from "./invite-people";
import { roleLabels, roleOptions } from "./roles";

export function UsersAndRoles() {
  const session = useSession();
  const queryClient = useQueryClient();
  const key = ["account-users", session.accountId];
  const members = useMembers();
  const change = useMutation({
    mutationFn: ({ userId, role }: { userId: number; role: Role }) => api("PUT", `/api/v1/account-users/${userId}/role`, { role }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: key }),
  });
  const canChange = session.role === "super_admin";
  return (
    <>
      <Text size="sm" c="dimmed" mb="sm">
        Signed in as {session.email}. Only super admins can see private apps and their tokens{canChange ? "" : ", and change roles"}.
      </Text>
      {canChange ? <InvitePeople /> : null}
      {members.isPending ? <Loading /> : null}
      {members.isError ? <ErrorNotice error={members.error} /> : null}
      {change.error ? <ErrorNotice error={change.error} /> : null}
      {members.data ? (
        <Table aria-label="Users">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Email</Table.Th>
              <Table.Th>Role</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {members.data.results.map((m) => (
              <Table.Tr key={m.userId} aria-current={m.userId === session.userId ? "true" : undefined}>
                <Table.Td>
                  {m.firstName} {m.lastName}
                </Table.Td>
                <Table.Td>{m.email}</Table.Td>
                <Table.Td>
                  {canChange ? (
                    <Select
                      aria-label={`Role of ${m.email}`}
                      data={roleOptions}
                      value={m.role}
                      allowDeselect={false}
                      w={160}
                      onChange={(role) => role && role !== m.role && change.mutate({ userId: m.userId, role: role as Role })}
                    />
                  ) : (
                    <Badge variant="light" color={m.role === "super_admin" ? "grape" : "gray"}>
                      {roleLabels[m.role]}
                    </Badge>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
    </>
  );
}
