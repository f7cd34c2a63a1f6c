/** The AWS error names API Gateway's `@connections` API answers, by status, when the answer names none. */
const NAMES: Record<number, string> = {
  400: 'BadRequestException',
  403: 'ForbiddenException',
  410: 'GoneException',
  413: 'PayloadTooLargeException',
  429: 'LimitExceededException',
};

/**
 * A non-2xx answer of the management API, as the signing transport reports it. Shaped like the
 * AWS SDK's service exceptions (`name` is the AWS error type, e.g. `GoneException`;
 * `$metadata.httpStatusCode`), so code written against either transport reads it the same way.
 */
export class ManagementApiError extends Error {
  /** The HTTP status of the answer. */
  readonly statusCode: number;
  /** The AWS error type (`x-amzn-ErrorType`), also in `name`. */
  readonly errorType: string;
  /** What the AWS SDK's exceptions carry: the status and the request id. */
  readonly $metadata: {
    /** The HTTP status of the answer. */
    httpStatusCode: number;
    /** API Gateway's `x-amzn-RequestId`, when it sent one. */
    requestId: string | undefined;
  };

  constructor(
    statusCode: number,
    errorType: string | undefined,
    message: string | undefined,
    requestId?: string,
  ) {
    const type =
      errorType || NAMES[statusCode] || (statusCode >= 500 ? 'InternalServerErrorException' : 'UnknownError');
    super(message || `${type} (HTTP ${statusCode})`);
    this.name = type;
    this.errorType = type;
    this.statusCode = statusCode;
    this.$metadata = { httpStatusCode: statusCode, requestId };
  }
}

/** Builds the error of a failed answer from its status, headers and (small) body. */
export function managementApiError(
  statusCode: number,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  body: string,
): ManagementApiError {
  let message: string | undefined;
  let bodyType: string | undefined;
  try {
    const parsed = JSON.parse(body) as {
      message?: unknown;
      Message?: unknown;
      __type?: unknown;
      code?: unknown;
    };
    const text = parsed.message ?? parsed.Message;
    if (typeof text === 'string') message = text;
    const type = parsed.__type ?? parsed.code;
    if (typeof type === 'string') bodyType = type;
  } catch {
    // not JSON: status and header decide
  }
  const header = headers['x-amzn-errortype'];
  const raw = (typeof header === 'string' ? header : bodyType) ?? '';
  // `x-amzn-ErrorType` may read `GoneException:http://internal.amazon.com/…`; `__type` may be namespaced.
  const type = raw.split(':')[0]?.split('#').pop();
  const requestId = headers['x-amzn-requestid'];
  return new ManagementApiError(
    statusCode,
    type,
    message,
    typeof requestId === 'string' ? requestId : undefined,
  );
}
