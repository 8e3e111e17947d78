// The navigation's plain elements (nav-parts.tsx) must be the markup Mantine's Text and NavLink render for the same
// item: the server renders the page with one build and the browser may hydrate it with another, and the page's CSS
// subset and Mantine's stylesheet select on those classes and attributes.
import { describe, expect, it } from "vitest";
import { links, titles } from "./nav-parts-renders";

describe("the navigation's plain elements", () => {
  it("are Mantine's section title", () => {
    const { mantine, plain } = titles("CRM");
    expect(mantine).toMatch(/^<p [^>]*>CRM<\/p>$/);
    expect(plain).toBe(mantine);
  });

  it.each([true, false])("are Mantine's NavLink as a router link (active: %s)", (active) => {
    const { mantine, plain } = links("/contacts/1/objects/0-1", "Contacts", active);
    expect(mantine).toMatch(/^<a [^>]*href="\/contacts\/1\/objects\/0-1"[^>]*>.*Contacts.*<\/a>$/);
    expect(plain).toBe(mantine);
  });
});
