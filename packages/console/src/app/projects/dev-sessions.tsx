// The project's `sprocket project dev` sessions, above its builds: one entry per session, however many saves it served
// (a save no longer makes a build).
import { Badge, Paper, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { formatDate } from "../page-parts";
import { useSession } from "../session";
import { projectsApi } from "./project-types";

export function DevSessions({ project }: { project: string }) {
  const { accountId } = useSession();
  const sessions = useQuery({ queryKey: ["project-dev-sessions", accountId, project], queryFn: () => projectsApi.devSessions(project) });
  if (!sessions.data?.length) return null;
  return (
    <Paper withBorder p="sm" mb="md">
      <Title order={3} size="h6" mb="xs">
        Dev sessions
      </Title>
      <Table aria-label="Dev sessions">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Session</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Saves shown</Table.Th>
            <Table.Th>By</Table.Th>
            <Table.Th>Opened</Table.Th>
            <Table.Th>Ended</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sessions.data.map((s) => (
            <Table.Tr key={s.sessionId}>
              <Table.Td>Dev session {s.sessionId}</Table.Td>
              <Table.Td>
                <Badge size="sm" variant="light" color={s.status === "OPEN" ? "orange" : "gray"}>
                  {s.status === "OPEN" ? "Open" : "Ended"}
                </Badge>
              </Table.Td>
              <Table.Td>{s.saves}</Table.Td>
              <Table.Td>
                <Text size="sm">{s.userEmail ?? "—"}</Text>
              </Table.Td>
              <Table.Td>{formatDate(s.openedAt)}</Table.Td>
              <Table.Td>{s.endedAt ? formatDate(s.endedAt) : "—"}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}
