// The CRM index's plain elements (index-parts.tsx) must be the markup Mantine's components render for the same toolbar,
// headers and paging: the server renders the page with one build and the browser may hydrate it with another, and the
// page's CSS subset and Mantine's stylesheet select on those classes and attributes.
import { describe, expect, it } from "vitest";
import { footer, mainButton, table, toolbar } from "./index-parts-renders";

/** An input's id is React's `useId`, which depends on where the element sits in the tree: both must have one. */
const ID = /id="mantine-R[\w-]+"/g;
const sameIds = (html: string) => {
  expect(html).toMatch(ID);
  return html.replace(ID, 'id="mantine-R"');
};

describe("the CRM index's plain elements", () => {
  it.each(["", "ada"])("are Mantine's toolbar (search %j)", (search) => {
    const { mantine, plain } = toolbar(search);
    expect(mantine).toContain(`type="search" aria-invalid="false"`);
    expect(mantine).toContain(`value="${search}"`);
    expect(mantine).toContain('aria-expanded="false"><span');
    expect(sameIds(plain)).toBe(sameIds(mantine));
  });

  it.each([false, true])("are Mantine's main button (disabled: %s)", (disabled) => {
    const { mantine, plain } = mainButton(disabled);
    expect(mantine.includes("disabled")).toBe(disabled);
    expect(plain).toBe(mantine);
  });

  it.each([
    ["none", false],
    ["ascending", true],
    ["descending", false],
  ] as const)("are Mantine's table and header cells (sort %s, busy: %s)", (sort, busy) => {
    const { mantine, plain } = table(sort, busy);
    expect(mantine).toContain(`aria-sort="${sort}"`);
    expect(mantine).toContain(`aria-busy="${busy}"`);
    expect(mantine).toContain("<tbody");
    expect(plain).toBe(mantine);
  });

  it.each([
    [0, true],
    [2, true],
    [3, false],
  ])("are Mantine's paging (page %i, a next page: %s)", (page, hasNext) => {
    const { mantine, plain } = footer(page, hasNext);
    expect(mantine).toContain('<option value="50" selected="">50 per page</option>');
    expect((mantine.match(/disabled=""/g) ?? []).length).toBe(Number(page === 0) + Number(!hasNext));
    expect(sameIds(plain)).toBe(sameIds(mantine));
  });
});
