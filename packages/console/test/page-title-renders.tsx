// The page heading as Mantine's Stack and Title write it (as page-parts.tsx had it) and as PageTitle does, rendered on
// the server as the console's first screen is (page-title.test.ts compares them).
import { Button, Stack, Title } from "@mantine/core";
import { renderWithMantine as render } from "./mantine-render";
import { PageTitle } from "../src/app/page-parts";

export const heading = (withAction: boolean) => {
  const action = withAction ? <Button>Create contact</Button> : undefined;
  return {
    mantine: render(
      <Stack gap={0} mb="md">
        <div style={{ display: "flex", alignItems: "center", justifyContent: "space-between", gap: 16, flexWrap: "wrap" }}>
          <Title order={1} size="h2">
            {"Contacts"}
          </Title>
          {action}
        </div>
      </Stack>,
    ),
    plain: render(<PageTitle actions={action}>{"Contacts"}</PageTitle>),
  };
};
