// The page heading's plain elements (page-parts.tsx's PageTitle) must be the markup of the Mantine Stack and Title it
// stands for: the server renders a first screen with one build and the browser may hydrate it with another, and the
// page's CSS subset and Mantine's stylesheet select on those classes and attributes.
import { describe, expect, it } from "vitest";
import { heading } from "./page-title-renders";

describe("the page heading's plain elements", () => {
  it.each([false, true])("are Mantine's Stack and Title (with an action: %s)", (withAction) => {
    const { mantine, plain } = heading(withAction);
    expect(mantine).toContain('data-order="1">Contacts</h1>');
    expect(plain).toBe(mantine);
  });
});
