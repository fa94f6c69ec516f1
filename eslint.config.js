import { defineConfigWithVueTs, vueTsConfigs } from '@vue/eslint-config-typescript'
import pluginVue from 'eslint-plugin-vue'

export default defineConfigWithVueTs(
  { name: 'app/files-to-lint', files: ['**/*.{ts,mts,tsx,vue,js,mjs}'] },
  {
    name: 'app/files-to-ignore',
    ignores: [
      '**/dist/**',
      '**/coverage/**',
      'node_modules/**',
      'test-results/**',
      '.supabase-local/**',
      'src/components.d.ts',
    ],
  },
  pluginVue.configs['flat/recommended'],
  vueTsConfigs.recommended,
  {
    name: 'app/rules',
    rules: {
      'vue/multi-word-component-names': 'off',
      // Layout is Prettier's job; these rules would fight it.
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/html-indent': 'off',
      'vue/html-self-closing': 'off',
      'vue/first-attribute-linebreak': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Only src/api talks to Supabase: pages, stores and components call src/api, which owns
    // the client, the error mapping and the shapes (docs/architecture.md). Types are fine.
    name: 'app/supabase-only-in-api',
    files: ['src/**/*.{ts,vue}'],
    ignores: ['src/api/**', 'src/lib/supabase.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@/lib/supabase',
              message: 'Only src/api uses the Supabase client; call a function of src/api.',
            },
          ],
          patterns: [
            {
              group: ['@supabase/*'],
              allowTypeImports: true,
              message: 'Only src/api uses Supabase; call a function of src/api.',
            },
          ],
        },
      ],
    },
  },
)
