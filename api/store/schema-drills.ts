/** The drills tables (re-exported by schema.ts, so drizzle and drizzle-kit see one schema). */
export {};
