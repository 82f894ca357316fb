/** Which field of a window is wrong and why: the controller maps it to a 422 naming the field. */
export class RecurrenceError extends Error {
  constructor(
    readonly field: 'rrule' | 'timezone' | 'duration_s' | 'starts_at',
    message: string,
  ) {
    super(message);
    this.name = 'RecurrenceError';
  }
}
