// The line above a log list: how many rows are loaded, and the Live switch's state while it is on.
import { Badge, Group, Text } from "@mantine/core";
import { liveLabels, type StreamState } from "./log-stream";

export function LogListStatus(props: {
  loaded: boolean;
  count: number;
  noun: [singular: string, plural: string];
  hasNextPage: boolean;
  liveOn: boolean;
  stream: StreamState;
}) {
  const { loaded, count, noun, hasNextPage, liveOn, stream } = props;
  return (
    <Group gap="xs" aria-live="polite" mih={20}>
      {loaded ? (
        <Text size="xs" c="dimmed" data-testid="log-count">
          {count} {count === 1 ? noun[0] : noun[1]}
          {hasNextPage ? " loaded, older ones below" : ""}
        </Text>
      ) : null}
      {liveOn ? (
        <Badge size="sm" variant="dot" color={stream === "following" ? "teal" : "orange"} data-testid="live-state">
          {liveLabels[stream]}
        </Badge>
      ) : null}
    </Group>
  );
}
