import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkSources, type SourceEntry } from "../src/index";

let root: string;
const files: Record<string, string> = {
  "src/app/cards/Good.tsx": `import React from "react";\nimport { hubspot, Text } from "@hubspot/ui-extensions";\nimport { label } from "./label";\nconst Card = ({ run }: { run: (a: object) => void }) => { run({ name: "fromCard" }); return <Text>{label}</Text>; };\nhubspot.extend(({ runServerlessFunction }) => <Card run={runServerlessFunction} />);\n`,
  "src/app/cards/label.ts": `// a comment the compiled code drops: runServerlessFunction({ name: "commented" })\nexport const label: string = "hi";\n`,
  "src/app/cards/Broken.jsx": `import { Helper } from "./Helper";\nexport default () => <Helper />;\n`,
  "src/app/cards/Helper.jsx": `export const Helper = () => (\n  <div>\n    {items.map((i) => <p>{i}</p>}\n  </div>\n);\n`,
  "src/app/cards/Hidden.jsx": `import { secret } from "./.secret";\nexport default () => secret;\n`,
  "src/app/cards/.secret.js": `export const secret = 1;\n`,
  "src/app/cards/Missing.jsx": `import { nothing } from "./nothing";\nexport default nothing;\n`,
  "src/app/app.functions/fn.js": `const axios = require("axios");\nconst fs = require("node:fs");\nexports.main = async () => axios && fs;\n`,
  "src/app/app.functions/bad.js": `exports.main = async () => {\n  return { ok: true;\n};\n`,
};
const uploaded = new Set(Object.keys(files).filter((f) => !f.includes("/.")));
const check = (...entries: SourceEntry[]) => checkSources({ root, entries, uploaded });

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "sprocket-check-sources-"));
  for (const [file, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, file)), { recursive: true });
    await writeFile(join(root, file), text);
  }
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("checkSources: the project's own code compiled without installing anything", () => {
  it("compiles a TypeScript card and its local import, leaving packages as imports, and returns its code without comments", async () => {
    const [result] = await check({ file: "src/app/cards/Good.tsx", kind: "card" });
    expect(result!.problems).toEqual([]);
    expect(result!.inputs.sort()).toEqual(["src/app/cards/Good.tsx", "src/app/cards/label.ts"]);
    expect(result!.code).toContain(`from "@hubspot/ui-extensions"`);
    expect(result!.code).toContain(`run({ name: "fromCard" })`);
    expect(result!.code).not.toContain("commented");
  });

  it("reports a syntax error in an imported file at its own file, line and column", async () => {
    const [result] = await check({ file: "src/app/cards/Broken.jsx", kind: "card" });
    expect(result!.problems).toEqual([{ file: "src/app/cards/Helper.jsx", line: 3, column: 33, message: 'Expected ")" but found "}"' }]);
    expect(result!.code).toBeUndefined();
  });

  it("refuses an import of a file the upload leaves out, and one that does not exist, as the build would", async () => {
    const [hidden, missing] = await check(
      { file: "src/app/cards/Hidden.jsx", kind: "card" },
      { file: "src/app/cards/Missing.jsx", kind: "card" },
    );
    expect(hidden!.problems).toEqual([
      expect.objectContaining({ message: expect.stringContaining("src/app/cards/.secret.js is not uploaded") }),
    ]);
    expect(missing!.problems).toEqual([
      expect.objectContaining({ file: "src/app/cards/Missing.jsx", line: 1, column: 25, message: 'Could not resolve "./nothing"' }),
    ]);
  });

  it("checks functions as Node code: require of packages and built-ins is fine, a syntax error is located", async () => {
    const [good, bad] = await check(
      { file: "src/app/app.functions/fn.js", kind: "function" },
      { file: "src/app/app.functions/bad.js", kind: "function" },
    );
    expect(good!.problems).toEqual([]);
    expect(bad!.problems).toEqual([{ file: "src/app/app.functions/bad.js", line: 2, column: 20, message: 'Expected "}" but found ";"' }]);
  });
});
