/**
 * Lambda's limit on a synchronous invocation's response: "6 MB", which Lambda enforces as
 * 6,291,556 bytes of the JSON it serialises the handler's result to (its error says
 * `Function.ResponseSizeTooLarge: Response payload size exceeded maximum allowed payload size
 * (6291556 bytes).`). Over it the invocation fails, and API Gateway answers as for any failed
 * integration: 502 on `$connect`, the `Internal server error` frame on a message route.
 */
export const MAX_LAMBDA_RESPONSE_BYTES = 6_291_556;

/** The invocation failed because its result is over {@link MAX_LAMBDA_RESPONSE_BYTES}. */
export class ResponseSizeTooLargeError extends Error {
  constructor(readonly bytes: number) {
    super(
      `Function.ResponseSizeTooLarge: Response payload size (${bytes} bytes) exceeded maximum allowed payload size (${MAX_LAMBDA_RESPONSE_BYTES} bytes).`,
    );
    this.name = 'ResponseSizeTooLargeError';
  }
}

/**
 * Checks a handler's result the way Lambda does: serialised as JSON (a result JSON cannot carry,
 * such as a cycle or a bigint, fails the invocation too, as it does in Lambda's Node runtime).
 */
export function checkResponseSize(result: unknown): void {
  const json = JSON.stringify(result === undefined ? null : result);
  const bytes = Buffer.byteLength(json ?? 'null');
  if (bytes > MAX_LAMBDA_RESPONSE_BYTES) throw new ResponseSizeTooLargeError(bytes);
}
