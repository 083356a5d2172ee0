import { defineConfig } from 'drizzle-kit'

export default defineConfig({
  dialect: 'sqlite',
  schema: ['./src/db/schema.ts', './src/db/schema-kontroll.ts', './src/db/schema-index.ts'],
  out: './migrations',
  strict: true,
  verbose: true,
})
