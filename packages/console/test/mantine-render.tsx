// A node rendered on the server inside Mantine's provider and wouter's router at a contacts page, as the console's
// first screen is: what the plain-element tests (nav-parts.test.ts, header-parts.test.ts) compare.
import type { ReactNode } from "react";
import { renderToString } from "react-dom/server";
import { MantineProvider } from "@mantine/core";
import { Router } from "wouter";

export const renderWithMantine = (node: ReactNode) =>
  renderToString(
    <MantineProvider>
      <Router ssrPath="/contacts/1/objects/0-1">{node}</Router>
    </MantineProvider>,
  )
    // Mantine's provider writes its own <style> elements first, the same for both.
    .replace(/^(<style[^>]*>[^<]*<\/style>)+/, "");
