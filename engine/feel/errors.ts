/**
 * FEEL errors. Messages follow Zeebe's wording (incident texts are shown to operators who know
 * Zeebe's messages, and tests of the runtime compare them).
 */
export class FeelError extends Error {
  constructor(
    message: string,
    readonly expression: string,
  ) {
    super(message);
    this.name = 'FeelError';
  }
}

/**
 * Thrown by the Camunda built-in `assert()` to abort the evaluation: feel-scala fails the whole
 * evaluation (not just the invocation) when an assertion does not hold. Internal to engine/feel.
 */
export class FeelAssertionFailure extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'FeelAssertionFailure';
  }
}
