// ESLint flat config: typescript-eslint's recommended rules over every TypeScript source.
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/**",
      "dist/**",
      "coverage/**",
      ".stryker-tmp/**",
      "reports/**",
      "**/.lambda-tmp*/**",
      "policy-pack/node_modules/**",
      "**/*.js",
      "**/*.mjs",
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-require-imports": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      // A function a reader can hold in mind: compose smaller ones (tests are exempt).
      "max-lines-per-function": ["error", { max: 250 }],
    },
  },
  { files: ["__tests__/**"], rules: { "max-lines-per-function": "off" } },
);
