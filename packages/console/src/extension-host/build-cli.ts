// `npm run build -w @sprocket/console`: writes dist/extension-host/.
import { gzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import { buildExtensionHost } from "./build";

const { outputs } = await buildExtensionHost();
for (const file of outputs.filter((name) => !name.endsWith(".map"))) {
  const bytes = readFileSync(file);
  console.log(`${file}  ${(bytes.length / 1024).toFixed(1)} KiB, ${(gzipSync(bytes).length / 1024).toFixed(1)} KiB gzipped`);
}
