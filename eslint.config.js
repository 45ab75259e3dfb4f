import js from "@eslint/js";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import { importX } from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "data/", "bot/db/generated/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // No import cycles in the program: a feature reaches another only through its actions or exported
    // views, and machines/ never reaches up into bot/ (it imports neither grammY nor Prisma).
    files: ["bot/**/*.ts", "machines/**/*.ts"],
    plugins: { "import-x": importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      "import-x/resolver": undefined,
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: "./tsconfig.json" })],
    },
    rules: {
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "no-restricted-imports": ["error", { patterns: [{ group: ["grammy", "@grammyjs/*", "**/db/**", "**/bot/**"], message: "machines/ stays pure" }] }],
    },
  },
  {
    files: ["bot/**/*.ts"],
    rules: { "no-restricted-imports": "off" },
  },
  {
    // XState's setup({ types: {} as T }) is an assertion the rule cannot see the use of.
    files: ["machines/**/*.ts", "test/helpers/fixtures.ts"],
    rules: { "@typescript-eslint/no-unnecessary-type-assertion": "off" },
  },
  { files: ["**/*.js"], ...tseslint.configs.disableTypeChecked },
);
