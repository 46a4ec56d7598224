// Errors the emulator answers with, shaped the way MLflow 2.12 (Flask + Werkzeug) and the
// Databricks front end shape them. Handlers throw; the server turns a throw into bytes in one place.

/** MLflow's `databricks_pb2.ErrorCode` → HTTP status, as in mlflow/protos (ERROR_CODE_TO_HTTP_STATUS). */
export const ERROR_CODE_STATUS: Readonly<Record<string, number>> = {
  INTERNAL_ERROR: 500,
  TEMPORARILY_UNAVAILABLE: 503,
  IO_ERROR: 500,
  BAD_REQUEST: 400,
  INVALID_PARAMETER_VALUE: 400,
  MALFORMED_REQUEST: 400,
  INVALID_STATE: 400,
  ENDPOINT_NOT_FOUND: 404,
  RESOURCE_DOES_NOT_EXIST: 404,
  NOT_FOUND: 404,
  RESOURCE_ALREADY_EXISTS: 400,
  RESOURCE_CONFLICT: 409,
  PERMISSION_DENIED: 403,
  CUSTOMER_UNAUTHORIZED: 401,
  UNAUTHENTICATED: 401,
  FEATURE_DISABLED: 501,
  REQUEST_LIMIT_EXCEEDED: 429,
  DEADLINE_EXCEEDED: 504,
};

/** The error code MLflow would pair with an HTTP status, for injected faults that only name a status. */
export function errorCodeForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'INVALID_PARAMETER_VALUE';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'RESOURCE_DOES_NOT_EXIST';
    case 409:
      return 'RESOURCE_CONFLICT';
    case 429:
      return 'REQUEST_LIMIT_EXCEEDED';
    case 503:
      return 'TEMPORARILY_UNAVAILABLE';
    case 504:
      return 'DEADLINE_EXCEEDED';
    default:
      return status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST';
  }
}

/**
 * An `MlflowException` as the server serializes it: `{"error_code": ..., "message": ...}` JSON with
 * the status derived from the code. `status` overrides that derivation (MLflow never does; faults may).
 */
export class MlflowError extends Error {
  readonly errorCode: string;
  readonly status: number;

  constructor(errorCode: string, message: string, status?: number) {
    super(message);
    this.name = 'MlflowError';
    this.errorCode = errorCode;
    this.status = status ?? ERROR_CODE_STATUS[errorCode] ?? 500;
  }

  /** `MlflowException(message)` without an error code: MLflow reports INTERNAL_ERROR with status 500. */
  static internal(message: string): MlflowError {
    return new MlflowError('INTERNAL_ERROR', message);
  }

  static invalidParameter(message: string): MlflowError {
    return new MlflowError('INVALID_PARAMETER_VALUE', message);
  }

  static notFound(message: string): MlflowError {
    return new MlflowError('RESOURCE_DOES_NOT_EXIST', message);
  }

  static alreadyExists(message: string): MlflowError {
    return new MlflowError('RESOURCE_ALREADY_EXISTS', message);
  }
}

/**
 * A response that is not MLflow's JSON error: Werkzeug HTML pages, the basic-auth plain-text
 * 401/403, Databricks JSON errors. Thrown like an error so handlers can bail out from anywhere.
 */
export class RawResponse extends Error {
  readonly status: number;
  readonly body: string;
  readonly contentType: string;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, body: string, contentType: string, headers: Record<string, string> = {}) {
    super(`HTTP ${status}`);
    this.name = 'RawResponse';
    this.status = status;
    this.body = body;
    this.contentType = contentType;
    this.headers = headers;
  }
}

/** Flask's content type for plain `make_response(str)` and Werkzeug's HTML error pages. */
export const TEXT_HTML = 'text/html; charset=utf-8';

/** Werkzeug's default error page, byte for byte as MLflow 2.12 (Werkzeug 3) renders it. */
function werkzeugPage(status: number, title: string, description: string): RawResponse {
  const body =
    '<!doctype html>\n<html lang=en>\n' +
    `<title>${status} ${title}</title>\n` +
    `<h1>${title}</h1>\n` +
    `<p>${description}</p>\n`;
  return new RawResponse(status, body, TEXT_HTML);
}

/** 404 for a path no route matches. */
export function notFoundPage(): RawResponse {
  return werkzeugPage(
    404,
    'Not Found',
    'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.',
  );
}

/** 405 for a known path called with a method it does not accept. */
export function methodNotAllowedPage(allowed: readonly string[]): RawResponse {
  const page = werkzeugPage(405, 'Method Not Allowed', 'The method is not allowed for the requested URL.');
  return new RawResponse(page.status, page.body, page.contentType, {
    Allow: [...allowed, 'OPTIONS'].sort().join(', '),
  });
}

/** 500 for an exception Flask did not expect (a Python TypeError/ValueError inside a handler). */
export function internalServerErrorPage(): RawResponse {
  return werkzeugPage(
    500,
    'Internal Server Error',
    'The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.',
  );
}

/** 415 from Flask's `request.json` when the body is not declared as JSON. */
export function unsupportedMediaTypePage(): RawResponse {
  return werkzeugPage(
    415,
    'Unsupported Media Type',
    'Did not attempt to load JSON data because the request Content-Type was not &#39;application/json&#39;.',
  );
}

/** 400 from Flask's `request.json` when the body does not parse. */
export function badJsonPage(): RawResponse {
  return werkzeugPage(
    400,
    'Bad Request',
    'The browser (or proxy) sent a request that this server could not understand.',
  );
}

/** Starlette's content type for a `PlainTextResponse` (MLflow 3's FastAPI auth middleware answers with one). */
export const TEXT_PLAIN = 'text/plain; charset=utf-8';

/**
 * Basic-auth 401, from mlflow.server.auth.make_basic_auth_response (Flask: text/html); MLflow 3's FastAPI
 * routes answer the same text as text/plain.
 */
export function basicAuthChallenge(contentType: string = TEXT_HTML): RawResponse {
  return new RawResponse(
    401,
    'You are not authenticated. Please see https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to authenticate.',
    contentType,
    { 'WWW-Authenticate': 'Basic realm="mlflow"' },
  );
}

/** Basic-auth 403, from mlflow.server.auth.make_forbidden_response. */
export function basicAuthForbidden(): RawResponse {
  return new RawResponse(403, 'Permission denied', TEXT_HTML);
}

/**
 * Gunicorn's answer to a request line over `limit_request_line` (4094 bytes), written before the
 * request reaches Flask (gunicorn.util.write_error with LimitRequestLine's message).
 */
export function gunicornRequestLineTooLarge(size: number, limit: number): RawResponse {
  const body =
    '<html>\n' +
    '  <head>\n' +
    '    <title>Bad Request</title>\n' +
    '  </head>\n' +
    '  <body>\n' +
    '    <h1><p>Bad Request</p></h1>\n' +
    `    Request Line is too large (${size} &gt; ${limit})\n` +
    '  </body>\n' +
    '</html>\n';
  return new RawResponse(400, body, 'text/html', { Connection: 'close' });
}
