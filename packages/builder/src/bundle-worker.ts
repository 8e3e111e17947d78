// The child a sandboxed build runs in (see build-sandbox.ts): reads one request on stdin, bundles, and writes
// { result } or { error } as JSON on stdout.
import { BuildError } from "./build-error";
import { bundleCard, type BundleCardOptions } from "./bundle-card";
import { bundleFunction, type BundleFunctionOptions } from "./bundle-function";
import type { WorkerRequest } from "./build-sandbox";

let input = "";
process.stdin.on("data", (chunk: Buffer) => (input += chunk.toString("utf8")));
process.stdin.on("end", () => {
  const request = JSON.parse(input) as WorkerRequest;
  const work = request.kind === "function" ? bundleFunction(request.options as unknown as BundleFunctionOptions) : bundleCard(request.options as unknown as BundleCardOptions);
  work.then(
    (result) => process.stdout.write(JSON.stringify({ result })),
    (error: unknown) => {
      if (!(error instanceof BuildError)) throw error;
      process.stdout.write(JSON.stringify({ error: { code: error.code, message: error.message, problems: error.problems } }));
    },
  );
});
