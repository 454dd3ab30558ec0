/**
 * Errors the runtime raises towards its API: they carry the HTTP status and title that Zeebe's
 * REST gateway uses for the same rejection, and become RFC 9457 problem+json in engine/http.
 */
export class EngineError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 413 | 415 | 429 | 500 | 503 | 504,
    readonly title: string,
    detail: string,
  ) {
    super(detail);
    this.name = 'EngineError';
  }
}

export const invalidArgument = (detail: string) => new EngineError(400, 'INVALID_ARGUMENT', detail);
export const notFound = (detail: string) => new EngineError(404, 'NOT_FOUND', detail);
export const invalidState = (detail: string) => new EngineError(409, 'INVALID_STATE', detail);
