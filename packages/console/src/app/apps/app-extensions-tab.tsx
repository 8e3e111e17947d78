// The Extensions tab: the app's cards (where they show, on which objects, from which build) with their renders, failed
// renders, logged errors and latest render over the last week; then its serverless functions.
import { Anchor, Badge, Stack, Table, Text, Title } from "@mantine/core";
import { Link } from "wouter";
import { EmptyState, ErrorNotice, formatDate, Loading } from "../page-parts";
import { paths } from "../paths";
import { useSession } from "../session";
import { useOverview } from "./app-overview-tab";
import { BuildLink } from "./build-link";
import type { PrivateAppDetail } from "@sprocket/contract";

const list = (value: unknown) => (Array.isArray(value) && value.length ? value.map(String).join(", ") : "—");

export function AppExtensionsTab({ app }: { app: PrivateAppDetail }) {
  const { accountId } = useSession();
  const overview = useOverview(app.appId, "1w");
  const cards = app.components.filter((c) => c.kind === "card");
  const functions = app.components.filter((c) => c.kind === "function");
  if (cards.length === 0 && functions.length === 0)
    return <EmptyState title="No extensions">This app's build holds no cards or functions.</EmptyState>;
  const stats = new Map((overview.data?.cards ?? []).map((c) => [c.cardUid, c]));
  const logsOf = (type: string) => `${paths.privateApp(accountId, app.appId, "logs")}?type=${type}`;
  const count = (n: number | undefined) => (overview.isPending ? "…" : String(n ?? 0));
  return (
    <Stack gap="lg">
      <section aria-labelledby="cards-title">
        <Title order={2} size="h5" id="cards-title" mb="xs">
          UI extension cards
        </Title>
        {overview.isError ? <ErrorNotice error={overview.error} title="Render counts are unavailable" /> : null}
        {cards.length === 0 ? (
          <Text size="sm" c="dimmed">
            No cards.
          </Text>
        ) : (
          <Table data-testid="extension-cards">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Card</Table.Th>
                <Table.Th>Location</Table.Th>
                <Table.Th>Objects</Table.Th>
                <Table.Th>Build</Table.Th>
                <Table.Th>Renders (7 days)</Table.Th>
                <Table.Th>Errors</Table.Th>
                <Table.Th>Last render</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {cards.map((card) => {
                const s = stats.get(card.name);
                const errors = (s?.renderFailures ?? 0) + (s?.errors ?? 0);
                return (
                  <Table.Tr key={card.name} data-testid={`card-${card.name}`}>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {String(card.config.title ?? card.name)}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {card.name}
                      </Text>
                    </Table.Td>
                    <Table.Td>{String(card.config.location ?? "—")}</Table.Td>
                    <Table.Td>{list(card.config.objectTypes)}</Table.Td>
                    <Table.Td>
                      <BuildLink app={app} buildId={card.buildId} />
                    </Table.Td>
                    <Table.Td data-testid="card-renders">{count(s?.renders)}</Table.Td>
                    <Table.Td>
                      {errors > 0 ? (
                        <Anchor
                          component={Link}
                          href={logsOf("extensions")}
                          size="sm"
                          aria-label={`${errors} errors: open the extension logs`}
                        >
                          <Badge color="red" variant="light" style={{ cursor: "pointer" }}>
                            {errors}
                          </Badge>
                        </Anchor>
                      ) : (
                        count(errors)
                      )}
                    </Table.Td>
                    <Table.Td>
                      {s?.lastRenderAt ? formatDate(s.lastRenderAt) : overview.isPending ? <Loading label="" /> : "None this week"}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        )}
      </section>
      <section aria-labelledby="functions-title">
        <Title order={2} size="h5" id="functions-title" mb="xs">
          Serverless functions
        </Title>
        {functions.length === 0 ? (
          <Text size="sm" c="dimmed">
            No functions.
          </Text>
        ) : (
          <Table data-testid="extension-functions">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Function</Table.Th>
                <Table.Th>Endpoint</Table.Th>
                <Table.Th>Secrets</Table.Th>
                <Table.Th>Build</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {functions.map((fn) => {
                // `url` is the endpoint listener's address for this account (another origin than the console's).
                const endpoint = fn.config.endpoint as { path: string; methods: string[]; url?: string } | undefined;
                return (
                  <Table.Tr key={fn.name}>
                    <Table.Td>
                      <Anchor component={Link} href={logsOf("functions")} size="sm">
                        {fn.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      {endpoint ? `${endpoint.methods.join(", ")} ${endpoint.url ?? `/_hcms/api/${endpoint.path}`}` : "—"}
                    </Table.Td>
                    <Table.Td>{list(fn.config.secrets)}</Table.Td>
                    <Table.Td>
                      <BuildLink app={app} buildId={fn.buildId} />
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        )}
      </section>
    </Stack>
  );
}
