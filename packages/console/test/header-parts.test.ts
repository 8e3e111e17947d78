// The header's plain elements (header-parts.tsx) must be the markup Mantine's Group, Burger, Text and Button render for
// the same header: the server renders the page with one build and the browser may hydrate it with another, and the
// page's CSS subset and Mantine's stylesheet select on those classes and attributes.
import { describe, expect, it } from "vitest";
import { header } from "./header-parts-renders";

describe("the header's plain elements", () => {
  it.each([false, true])("are Mantine's header (menu opened: %s)", (opened) => {
    const { mantine, plain } = header(opened);
    expect(mantine).toContain('data-testid="signed-in-as">ada@example.com</p>');
    expect(mantine).toContain('href="/"');
    expect(mantine).toContain(">Sign out</span></span></button>");
    expect(plain).toBe(mantine);
  });
});
