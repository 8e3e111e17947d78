// The page's component map must cover every name the installed SDK registers, and nothing unknown.
import { describe, expect, it } from "vitest";
import { componentMap } from "../src/extension-host/component-map";
import { registeredComponentNames } from "./registered-components";

describe("component map", () => {
  it("implements every component registered by @hubspot/ui-extensions", () => {
    const names = registeredComponentNames();
    expect(names.length).toBeGreaterThan(120);
    expect(names.filter((name) => !(name in componentMap))).toEqual([]);
  });

  it("has no entries the SDK does not register", () => {
    const names = new Set(registeredComponentNames());
    expect(Object.keys(componentMap).filter((name) => !names.has(name))).toEqual([]);
  });
});
