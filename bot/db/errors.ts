// Errors from either store, recognised the same way. Prisma maps PostgreSQL's errors to P-codes for
// @prisma/adapter-pg, but pglite-prisma-adapter 0.6 passes them through as { kind: "postgres", code }.

const UNIQUE_VIOLATION = "23505";

export const isUniqueViolation = (e: unknown): boolean => {
  const err = e as { code?: unknown; cause?: { kind?: unknown; code?: unknown } } | null;
  if (!err) return false;
  return err.code === "P2002" || err.cause?.kind === "UniqueConstraintViolation" || err.cause?.code === UNIQUE_VIOLATION;
};
