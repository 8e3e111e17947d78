// The console renders Mantine's provider without its CSS variables block (app.tsx): for Mantine's default theme that
// block is empty, so leaving it out changes nothing the browser shows, and spares computing every variable per render.
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { MantineProvider } from "@mantine/core";
import { describe, expect, it } from "vitest";
import { ConsoleRoot, createQueryClient } from "../src/app/app";

describe("the console's Mantine provider", () => {
  it("leaves out only a block Mantine would have written empty", () => {
    // Mantine's block for the default theme: only whitespace.
    expect(renderToString(createElement(MantineProvider))).toMatch(
      /^<style data-mantine-styles="true">\s*<\/style><style data-mantine-styles="classes">/,
    );
    const page = renderToString(
      createElement(ConsoleRoot, { queryClient: createQueryClient(), screen: { path: "/", formats: {} }, onServer: true }),
    );
    expect(page).toMatch(/^<style data-mantine-styles="classes">/);
    expect(page).not.toContain('data-mantine-styles="true"');
  });
});
