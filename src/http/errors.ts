/** An API error: an HTTP status, a machine code and a sentence for people. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} does not exist.`);
export const unauthorised = () => new ApiError(401, 'unauthorised', 'Log in first.');
export const forbidden = (why: string) => new ApiError(403, 'forbidden', why);
