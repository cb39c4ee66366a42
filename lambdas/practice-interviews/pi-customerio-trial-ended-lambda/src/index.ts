// Asks the practice-interviews backend to send Customer.io "trial ended"
// events for every trial that ended since the last run.
import { baseConfig, endpoint, Env, log, postJson, requiredUrl } from "../../../lib/job";

export interface Config {
  backendUrl: URL;
  projectName: string;
  environment: string;
  functionName: string;
  requestTimeoutMs: number;
}

export function loadConfig(env: Env): Config {
  return { ...baseConfig(env), backendUrl: requiredUrl(env, "BACKEND_URL") };
}

export interface Result {
  processed: number;
}

export interface ScheduledEvent {
  [key: string]: unknown;
}

export async function run(config: Config, event: ScheduledEvent = {}): Promise<Result> {
  const url = endpoint(config.backendUrl, "internal/customerio/trial-ended");
  log("info", "processing ended trials", { function: config.functionName, environment: config.environment });
  const { body } = await postJson(url, { source: config.functionName, environment: config.environment, event }, config.requestTimeoutMs);
  const processed = (body as { processed?: unknown } | null)?.processed;
  if (typeof processed !== "number" || !Number.isInteger(processed) || processed < 0) {
    throw new Error(`backend answered without a whole "processed" count: ${JSON.stringify(body)}`);
  }
  log("info", "processed ended trials", { processed });
  return { processed };
}

export async function handler(event: ScheduledEvent): Promise<Result> {
  try {
    return await run(loadConfig(process.env), event);
  } catch (err) {
    log("error", "trial-ended processing failed", { error: err instanceof Error ? err.message : String(err) });
    throw err;
  }
}
