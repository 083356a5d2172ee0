import { defineConfig } from 'drizzle-kit'

// PostgreSQL's migrations, generated from the schema derived from the SQLite tables (src/db/schema-pg.ts).
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/db/schema-pg.ts'],
  out: './migrations-pg',
  strict: true,
  verbose: true,
})
