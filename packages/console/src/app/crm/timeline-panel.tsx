// The app events on a record (HubSpot's activity timeline for app events), each rendered by its app's template.
import { Paper, Stack, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import type { TimelineAnswer } from "@sprocket/contract";
import { api } from "../api-client";
import { ErrorNotice, formatDate } from "../page-parts";
import { useSession } from "../session";
import { MarkdownLite } from "./markdown-lite";
import type { CrmObjectType } from "./object-types";

export function TimelinePanel({ type, id }: { type: CrmObjectType; id: string }) {
  const { accountId } = useSession();
  const events = useQuery({
    queryKey: ["crm-timeline", accountId, type.objectTypeId, id],
    queryFn: () =>
      api<TimelineAnswer>(
        "GET",
        `/api/v1/timeline?objectTypeId=${encodeURIComponent(type.objectTypeId)}&objectId=${encodeURIComponent(id)}`,
      ),
  });
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="timeline-title">
      <Title order={2} size="h4" id="timeline-title" mb="sm">
        Timeline
      </Title>
      {events.isError ? <ErrorNotice error={events.error} /> : null}
      {events.data?.results.length === 0 ? (
        <Text size="sm" c="dimmed">
          No app events on this {type.singular.toLowerCase()} yet.
        </Text>
      ) : null}
      <Stack gap="sm" component="ol" p={0} m={0} style={{ listStyle: "none" }}>
        {events.data?.results.map((event) => (
          <li key={`${event.eventTemplateId}/${event.eventId}`} aria-label={`${event.templateName} event`}>
            <Text size="sm" fw={500}>
              <MarkdownLite text={event.header} />
            </Text>
            {event.detail ? (
              <Text size="sm">
                <MarkdownLite text={event.detail} />
              </Text>
            ) : null}
            <Text size="xs" c="dimmed">
              {event.appName} · {event.templateName} · {formatDate(event.timestamp)}
            </Text>
          </li>
        ))}
      </Stack>
    </Paper>
  );
}
