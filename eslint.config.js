import js from "@eslint/js";
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
    // machines/ never reaches up into bot/ (it imports neither grammY nor Prisma). The import graph
    // (no cycles, machines/ pure) is checked by test/tooling/imports.test.ts with tsc's own resolver.
    files: ["machines/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["grammy", "@grammyjs/*", "**/db/**", "**/bot/**"], message: "machines/ stays pure" }] }],
    },
  },
  {
    // XState's setup({ types: {} as T }) is an assertion the rule cannot see the use of.
    files: ["machines/**/*.ts", "test/helpers/fixtures.ts"],
    rules: { "@typescript-eslint/no-unnecessary-type-assertion": "off" },
  },
  { files: ["**/*.js", "**/*.mjs"], ...tseslint.configs.disableTypeChecked },
);
