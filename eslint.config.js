// ESLint 9 flat config: typescript-eslint's recommended rules (not type-aware: see docs/decisions.md for the timing),
// Prettier owns the layout (eslint-config-prettier turns off the rules that would fight it).
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import prettier from "eslint-config-prettier";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

/** The modules allowed to read `process.env`: the server's settings and the CLI's own. */
const CONFIG_MODULES = ["packages/server/src/config.ts", "packages/cli/src/config-file.ts"];

export default defineConfig(
  {
    ignores: [
      "**/node_modules/**",
      "**/dist/**",
      "coverage/**",
      "test-results/**",
      // Tenants' projects and HubSpot's own samples, kept as HubSpot writes them.
      "fixtures/projects/**",
      "**/fixtures/**/*.{js,jsx,mjs,cjs}",
      "packages/cli/src/templates/**",
      "packages/project-format/data/**",
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: "module" },
    rules: {
      // Tests and HubSpot-shaped JSON bodies are read with `any` on purpose; the compiler's strict mode guards the rest.
      "@typescript-eslint/no-explicit-any": "off",
      // `_`-prefixed names are deliberately unused (a handler's fixed signature, a destructured-away field).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true },
      ],
      // A `let` a closure reads before it is assigned (a listener's port known only once it listens) cannot be const.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
      // Matching control characters is the point where we strip terminal escapes and check zip entry names.
      "no-control-regex": "off",
    },
  },
  {
    files: ["packages/*/src/**/*.{ts,tsx,js,mjs}"],
    ignores: CONFIG_MODULES,
    rules: {
      // One place reads settings (packages/server/src/config.ts, packages/cli/src/config-file.ts); a child process's
      // own environment is the exception, disabled on its line with the reason.
      "no-restricted-properties": [
        "error",
        {
          object: "process",
          property: "env",
          message: "Read settings through the config module (packages/server/src/config.ts): one schema, errors that name the setting.",
        },
      ],
    },
  },
  {
    files: ["packages/console/src/**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  prettier,
);
