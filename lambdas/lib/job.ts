// Shared by every scheduled handler: configuration from the environment,
// structured JSON logs, and an HTTP call with a timeout that fails loudly.

export interface BaseConfig {
  projectName: string;
  environment: string;
  functionName: string;
  requestTimeoutMs: number;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export type Env = Record<string, string | undefined>;

/** Reads a required variable, naming it in the error when absent. */
export function required(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === "") {
    throw new ConfigError(`environment variable ${name} is not set`);
  }
  return value.trim();
}

/** Reads a required http(s) URL without a trailing slash. */
export function requiredUrl(env: Env, name: string): URL {
  const raw = required(env, name);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`environment variable ${name} is not a URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigError(`environment variable ${name} must be an http(s) URL, got ${url.protocol}`);
  }
  return url;
}

export function baseConfig(env: Env): BaseConfig {
  const timeoutRaw = env.REQUEST_TIMEOUT_MS ?? "10000";
  const requestTimeoutMs = Number(timeoutRaw);
  if (!Number.isInteger(requestTimeoutMs) || requestTimeoutMs < 1 || requestTimeoutMs > 900000) {
    throw new ConfigError(`REQUEST_TIMEOUT_MS must be a whole number of milliseconds (1-900000), got ${JSON.stringify(timeoutRaw)}`);
  }
  return {
    projectName: required(env, "PROJECT_NAME"),
    environment: required(env, "ENVIRONMENT"),
    functionName: required(env, "FUNCTION_NAME"),
    requestTimeoutMs,
  };
}

export type Level = "info" | "warn" | "error";

/** Writes one JSON object per line, which CloudWatch Logs Insights parses. */
export function log(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, message, time: new Date().toISOString(), ...fields });
  if (level === "error") console.error(line);
  else console.log(line);
}

export class HttpError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export interface CallResult {
  status: number;
  body: unknown;
}

/**
 * POSTs a JSON body and returns the parsed JSON answer. Throws on a timeout,
 * a network error or a non-2xx status, so the invocation fails and the
 * scheduler's retry policy applies.
 */
export async function postJson(
  url: URL,
  body: unknown,
  timeoutMs: number,
  headers: Record<string, string> = {},
): Promise<CallResult> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const reason = err instanceof Error && err.name === "TimeoutError" ? `timed out after ${timeoutMs} ms` : String(err);
    throw new HttpError(`POST ${url.origin}${url.pathname} failed: ${reason}`);
  }
  const text = await response.text();
  if (!response.ok) {
    throw new HttpError(`POST ${url.origin}${url.pathname} answered ${response.status}: ${text.slice(0, 200)}`, response.status);
  }
  let parsed: unknown = null;
  if (text !== "") {
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new HttpError(`POST ${url.origin}${url.pathname} answered ${response.status} with a body that is not JSON`, response.status);
    }
  }
  return { status: response.status, body: parsed };
}

/** Joins a path onto a base URL, keeping the base's own path. */
export function endpoint(base: URL, path: string): URL {
  const url = new URL(base.toString());
  url.pathname = url.pathname.replace(/\/+$/, "") + "/" + path.replace(/^\/+/, "");
  return url;
}
