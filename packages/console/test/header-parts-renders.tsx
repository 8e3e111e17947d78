// The header as Mantine's components write it and as header-parts.tsx does, rendered on the server as the console's
// first screen is (header-parts.test.ts compares them). The Mantine tree is the header shell.tsx had before.
import { Burger, Button, Group, Text } from "@mantine/core";
import { Link } from "wouter";
import { renderWithMantine as render } from "./mantine-render";
import { AccountName, HeaderButton, HeaderEnd, HeaderRow, HeaderStart, HomeLink, MenuButton, SignedInAs } from "../src/app/header-parts";

const noop = () => {};

/** The header's content for a user with one account, its menu `opened` or not. */
export const header = (opened: boolean) => ({
  mantine: render(
    <Group h="100%" justify="space-between" wrap="nowrap" gap="xs">
      <Group gap="xs" wrap="nowrap">
        <Burger opened={opened} onClick={noop} hiddenFrom="sm" size="sm" aria-label={opened ? "Close navigation" : "Open navigation"} />
        <Text fw={700} size="lg" component={Link} href="/" c="dark" td="none">
          Sprocket
        </Text>
      </Group>
      <Group gap="sm" wrap="nowrap" miw={0}>
        <Text size="sm" c="dimmed" truncate="end">
          {"Demo"} · {42}
        </Text>
        <Text size="sm" data-testid="signed-in-as" visibleFrom="sm">
          {"ada@example.com"}
        </Text>
        <Button variant="default" size="xs" style={{ flexShrink: 0 }} onClick={noop}>
          Sign out
        </Button>
      </Group>
    </Group>,
  ),
  plain: render(
    <HeaderRow>
      <HeaderStart>
        <MenuButton opened={opened} onClick={noop} label={opened ? "Close navigation" : "Open navigation"} />
        <HomeLink>Sprocket</HomeLink>
      </HeaderStart>
      <HeaderEnd>
        <AccountName>
          {"Demo"} · {42}
        </AccountName>
        <SignedInAs email="ada@example.com" />
        <HeaderButton onClick={noop}>Sign out</HeaderButton>
      </HeaderEnd>
    </HeaderRow>,
  ),
});
