import { type FieldProblem, summarizeProblems } from '@vigil/contracts';
import { HttpError } from '@vigil/http';

/** The 422 every route answers for bad fields, whether a schema or a handler found them. */
export function validationFailed(problems: FieldProblem[], total = problems.length): HttpError {
  return new HttpError(422, 'validation_failed', summarizeProblems(problems, total), { problems });
}

export function invalidField(field: string, message: string): HttpError {
  return validationFailed([{ field, message }]);
}
