// Your memberships and roles. Listing the other users of an account needs an API the server does not have yet.
import { Badge, Table, Text } from "@mantine/core";
import { useSession } from "../session";

const roleLabels = { super_admin: "Super admin", admin: "Admin", user: "User" } as const;

export function UsersAndRoles() {
  const session = useSession();
  return (
    <>
      <Text size="sm" c="dimmed" mb="sm">
        Signed in as {session.email}. Only super admins can see private apps and their tokens.
      </Text>
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Account</Table.Th>
            <Table.Th>Account ID</Table.Th>
            <Table.Th>Tier</Table.Th>
            <Table.Th>Your role</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {session.accounts.map((account) => (
            <Table.Tr key={account.id} aria-current={account.id === session.accountId ? "true" : undefined}>
              <Table.Td>{account.name}</Table.Td>
              <Table.Td>{account.id}</Table.Td>
              <Table.Td>{account.tier}</Table.Td>
              <Table.Td>
                <Badge variant="light" color={account.role === "super_admin" ? "grape" : "gray"}>
                  {roleLabels[account.role]}
                </Badge>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </>
  );
}
