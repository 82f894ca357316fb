import type { z } from 'zod';

/** One problem with a request, naming the field as a client would write it: `results[3].checked_at`. */
export interface FieldProblem {
  field: string;
  message: string;
}

export function fieldName(path: readonly PropertyKey[]): string {
  let name = '';
  for (const part of path) {
    if (typeof part === 'number') name += `[${part}]`;
    else name += name === '' ? String(part) : `.${String(part)}`;
  }
  return name;
}

/** At most `limit` problems, so a huge invalid batch gets a small answer. */
export function fieldProblems(error: z.ZodError, limit = 20): FieldProblem[] {
  return error.issues.slice(0, limit).map((issue) => ({ field: fieldName(issue.path), message: describe(issue) }));
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  if (issue.code === 'unrecognized_keys') return `has unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return issue.message;
}

/** One line for an error message: `results[3].checked_at: is required (and 2 more problems)`. */
export function summarizeProblems(problems: readonly FieldProblem[], total = problems.length): string {
  if (problems.length === 0) return 'invalid request';
  const [first] = problems;
  const head = first.field === '' ? first.message : `${first.field}: ${first.message}`;
  const more = total - 1;
  return more > 0 ? `${head} (and ${more} more problem${more > 1 ? 's' : ''})` : head;
}
