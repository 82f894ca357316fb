import { fieldProblems } from '../issues';

type Parseable = { safeParse(value: unknown): { success: boolean; error?: unknown } };

/** What a schema says is wrong with `value`, as the API would answer it. */
export function problemsOf(schema: Parseable, value: unknown) {
  const result = schema.safeParse(value);
  if (result.success) return [];
  return fieldProblems(result.error as Parameters<typeof fieldProblems>[0]);
}

/** Just the fields of problemsOf. */
export function fieldsOf(schema: Parseable, value: unknown): string[] {
  return problemsOf(schema, value).map((problem) => problem.field);
}
