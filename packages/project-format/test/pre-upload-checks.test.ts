import {
  calledFunctionNames,
  checkAccountSecrets,
  checkCardFunctionCalls,
  loadProjectFolder,
  validateProject,
  type ProjectModel,
} from "@sprocket/project-format";
import { describe, expect, it } from "vitest";
import { editJson, fixture, fixturesDir } from "./fixture-files";
import { hsmetaSample } from "./hsmeta-sample";

function valid(files: Parameters<typeof validateProject>[0]): ProjectModel {
  const { project, diagnostics } = validateProject(files);
  expect(project, JSON.stringify(diagnostics)).toBeDefined();
  return project!;
}

describe("hidden folders (the seed guide's `.functions`)", () => {
  it("the loader leaves .functions out of the files and says what it held", async () => {
    const { files, hiddenFolders } = await loadProjectFolder(`${fixturesDir}/hidden-functions-folder`);
    expect([...files.keys()].filter((f) => f.includes("functions"))).toEqual([]);
    expect(hiddenFolders).toEqual([{ path: "src/app/.functions", names: ["example-function.js", "package.json", "serverless.json"] }]);
  });

  it("is a warning at the folder, naming what is lost and the name HubSpot reads; the project stays valid, without functions", async () => {
    const { files, hiddenFolders } = await loadProjectFolder(`${fixturesDir}/hidden-functions-folder`);
    const { project, diagnostics } = validateProject(files, { hiddenFolders });
    expect(diagnostics).toEqual([
      expect.objectContaining({
        severity: "warning",
        code: "FOLDER_HIDDEN",
        file: "src/app/.functions",
        line: 1,
        column: 1,
        message: expect.stringContaining("serverless.json"),
        hint: expect.stringContaining("src/app/app.functions"),
      }),
    ]);
    expect(project?.apps[0]?.functions).toEqual([]);
  });

  it("says nothing of hidden folders that hold no project part, or that lie outside srcDir", async () => {
    const files = await fixture("seed-example");
    const hiddenFolders = [
      { path: ".git", names: ["HEAD", "config"] },
      { path: "src/app/.vscode", names: ["settings.json"] },
      { path: ".functions", names: ["serverless.json"] },
    ];
    expect(validateProject(files, { hiddenFolders }).diagnostics).toEqual([]);
  });

  it("a reference to a hidden file says why it is missing", async () => {
    const files = editJson(
      await fixture("seed-example"),
      "src/app/app.json",
      (app) => (app.extensions.crm.cards[0].file = "extensions/.example-card.json"),
    );
    expect(validateProject(files).diagnostics).toEqual([
      expect.objectContaining({
        code: "FILE_NOT_FOUND",
        file: "src/app/app.json",
        pointer: "/extensions/crm/cards/0/file",
        hint: expect.stringContaining(`'.example-card.json' starts with "."`),
      }),
    ]);
  });

  it("names the 2025.2 folder (functions) for a hidden folder of *-hsmeta.json files", () => {
    const { diagnostics } = validateProject(hsmetaSample(), {
      hiddenFolders: [{ path: "src/app/.functions", names: ["other-hsmeta.json", "other.js"] }],
    });
    expect(diagnostics).toEqual([
      expect.objectContaining({
        code: "FOLDER_HIDDEN",
        message: expect.stringContaining("other-hsmeta.json"),
        hint: expect.stringContaining("Rename it to src/app/functions;"),
      }),
    ]);
  });
});

describe("function names a card calls", () => {
  it("finds literal names in runServerlessFunction calls, under the names it was handed to, and hubspot.serverless", () => {
    const code = [
      `hubspot.extend(({ context, runServerlessFunction, actions }) => React.createElement(Greeter, { context, run: runServerlessFunction }));`,
      `var Greeter = ({ run }) => { run({ name: "viaProp", parameters: { name: "notAFunction" } }); };`,
      `const call = props.runServerlessFunction; call({ parameters: { deep: 1 }, name: 'afterNested' });`,
      // Best effort, as documented: a name after a value nested two levels deep is not seen.
      `call({ parameters: { deep: { x: 1 } }, name: "missedAfterDeepNesting" });`,
      `const { runServerlessFunction: go } = props; go({ name: "destructured" });`,
      `runServerlessFunction({ name: "direct" }); runServerless({ name: "older" }); actions.runServerlessFunction({ name: "asMember" });`,
      `await hubspot.serverless("meta_fn", { parameters: {} });`,
      `other({ name: "notCalledAsAFunction" }); run({ name: someVariable });`,
    ].join("\n");
    expect(calledFunctionNames(code).sort()).toEqual(["afterNested", "asMember", "destructured", "direct", "meta_fn", "older", "viaProp"]);
  });

  it("warns for a name the app does not define, at the name in the card's source, and not for one it defines", async () => {
    const files = await fixture("card-calls-unknown-function");
    const model = valid(files);
    const card = model.apps[0]!.cards[0]!;
    const compiled = `var Greeter = ({ run }) => { run({ name: "myFunction" }); run({ name: "myFunc" }); }; x({ run: runServerlessFunction });`;
    const diagnostics = checkCardFunctionCalls(model, files, (c) =>
      c === card ? { code: compiled, inputs: [card.entryFile] } : undefined,
    );
    expect(diagnostics).toEqual([
      expect.objectContaining({
        severity: "warning",
        code: "CARD_FUNCTION_UNKNOWN",
        file: "src/app/extensions/Example.jsx",
        line: 15,
        column: 38,
        message: expect.stringContaining("'myFunction'"),
        hint: expect.stringContaining("The app defines 'myFunc'"),
      }),
    ]);
  });
});

describe("declared secrets the account lacks", () => {
  it("warns at each missing secret in serverless.json, and not when the account has it", async () => {
    const files = await fixture("missing-secret");
    const model = valid(files);
    expect(checkAccountSecrets(model, files, new Set(["OTHER"]))).toEqual([
      expect.objectContaining({
        severity: "warning",
        code: "FUNCTION_SECRET_MISSING",
        file: "src/app/app.functions/serverless.json",
        pointer: "/appFunctions/myFunc/secrets/0",
        line: 7,
        column: 19,
        hint: expect.stringContaining("sprocket secrets add GREETING_PREFIX"),
      }),
    ]);
    expect(checkAccountSecrets(model, files, new Set(["GREETING_PREFIX"]))).toEqual([]);
  });

  it("points into secretKeys in the 2025.2 format", () => {
    const files = hsmetaSample();
    expect(checkAccountSecrets(valid(files), files, new Set())).toEqual([
      expect.objectContaining({
        code: "FUNCTION_SECRET_MISSING",
        file: "src/app/functions/quote-hsmeta.json",
        pointer: "/config/secretKeys/0",
        message: expect.stringContaining("'QUOTE_KEY'"),
      }),
    ]);
  });
});
