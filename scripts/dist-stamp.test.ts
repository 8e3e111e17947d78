import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { BuildOptions } from "rolldown";
import { afterAll, describe, expect, it } from "vitest";
import { buildStamped, isStampCurrent } from "./dist-stamp";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "sprocket-dist-stamp-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const write = (file: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), text);
};
const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8");
write("pkg/src/main.ts", 'import { twice } from "./twice";\nexport const four: number = twice(2);\n');
write("pkg/src/twice.ts", "export const twice = (n: number): number => n * 2;\n");
write("lock.json", "{}");
const builds: BuildOptions[] = [
  {
    input: { main: path.join(root, "pkg/src/main.ts"), twice: path.join(root, "pkg/src/twice.ts") },
    platform: "node",
    output: { dir: path.join(root, "pkg/dist"), format: "esm", preserveModules: true, entryFileNames: "[name].js" },
  },
  { input: path.join(root, "pkg/src/main.ts"), platform: "node", output: { file: path.join(root, "pkg/dist/main.cjs"), format: "cjs" } },
];
const build = { root, builds, inputs: ["lock.json", "pkg/src"], stampFile: path.join(root, "cache/stamp.json") };

describe("the dist stamp", () => {
  it("is current only after a build, until an input or an output changes", async () => {
    expect(isStampCurrent(build)).toBe(false);
    expect(await buildStamped(build)).toBe(3);
    expect(read("pkg/dist/main.cjs")).toContain("twice(2)");
    expect(isStampCurrent(build)).toBe(true);

    write("pkg/src/twice.ts", "export const twice = (n: number): number => n + n;\n");
    expect(isStampCurrent(build)).toBe(false);
    await buildStamped(build);
    expect(read("pkg/dist/twice.js")).toContain("n + n");
    expect(isStampCurrent(build)).toBe(true);

    write("pkg/src/extra.ts", "export {};\n");
    expect(isStampCurrent(build), "a source added").toBe(false);
    fs.rmSync(path.join(root, "pkg/src/extra.ts"));
    expect(isStampCurrent(build), "the same sources again").toBe(true);

    write("lock.json", '{"rolldown":"2"}');
    expect(isStampCurrent(build), "the lock file changed").toBe(false);
    write("lock.json", "{}");
    expect(isStampCurrent(build)).toBe(true);

    const built = read("pkg/dist/twice.js");
    write("pkg/dist/twice.js", `${built}// edited\n`);
    expect(isStampCurrent(build), "a dist file edited").toBe(false);
    write("pkg/dist/twice.js", built);
    expect(isStampCurrent(build)).toBe(true);
    fs.rmSync(path.join(root, "pkg/dist/main.cjs"));
    expect(isStampCurrent(build), "a dist file removed").toBe(false);
  });

  it("is gone after a build that fails, so the next run builds again", async () => {
    await buildStamped(build);
    expect(isStampCurrent(build)).toBe(true);
    write("pkg/src/twice.ts", "export const twice = (n: number): number => n *;\n");
    await expect(buildStamped(build)).rejects.toThrow();
    write("pkg/src/twice.ts", "export const twice = (n: number): number => n + n;\n");
    expect(isStampCurrent(build)).toBe(false);
  });
});
