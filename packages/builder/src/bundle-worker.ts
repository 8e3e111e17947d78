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
  const work =
    request.kind === "function"
      ? bundleFunction(request.options as unknown as BundleFunctionOptions)
      : bundleCard(request.options as unknown as BundleCardOptions);
  work.then(
    (result) => process.stdout.write(JSON.stringify({ result })),
    (error: unknown) => {
      // Anything else (a tsconfig the identity may not read, say) is reported without its server path.
      const failure =
        error instanceof BuildError
          ? { code: error.code, message: error.message, problems: error.problems }
          : {
              code: "BUILD_BUNDLE_FAILED",
              message: `The build could not finish (${(error as NodeJS.ErrnoException).code ?? "internal error"}).`,
              problems: [],
            };
      process.stdout.write(JSON.stringify({ error: failure }));
    },
  );
});
