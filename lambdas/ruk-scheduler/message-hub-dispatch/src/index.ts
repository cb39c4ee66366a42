// Asks the message hub to dispatch the messages that are due. The schedule's
// input names the job ({"job": "dispatch-due"} or {"job": "daily-digest"}).
import { baseConfig, endpoint, Env, log, postJson, requiredUrl } from "../../../lib/job";

export const JOBS = ["dispatch-due", "daily-digest"] as const;
export type Job = (typeof JOBS)[number];

export interface Config {
  messageHubUrl: URL;
  projectName: string;
  environment: string;
  functionName: string;
  requestTimeoutMs: number;
}

export function loadConfig(env: Env): Config {
  return { ...baseConfig(env), messageHubUrl: requiredUrl(env, "MESSAGE_HUB_URL") };
}

export interface DispatchEvent {
  job?: unknown;
}

export interface Result {
  job: Job;
  dispatched: number;
}

export function parseJob(event: DispatchEvent): Job {
  const job = event?.job ?? "dispatch-due";
  if (typeof job !== "string" || !(JOBS as readonly string[]).includes(job)) {
    throw new Error(`unknown job ${JSON.stringify(job)}: the schedule's input must name one of ${JOBS.join(", ")}`);
  }
  return job as Job;
}

export async function run(config: Config, event: DispatchEvent = {}): Promise<Result> {
  const job = parseJob(event);
  const url = endpoint(config.messageHubUrl, `schedules/${job}/dispatch`);
  log("info", "dispatching", { job, function: config.functionName, environment: config.environment });
  const { body } = await postJson(url, { requestedBy: config.functionName }, config.requestTimeoutMs);
  const dispatched = (body as { dispatched?: unknown } | null)?.dispatched;
  if (typeof dispatched !== "number" || !Number.isInteger(dispatched) || dispatched < 0) {
    throw new Error(`message hub answered without a whole "dispatched" count: ${JSON.stringify(body)}`);
  }
  log("info", "dispatched", { job, dispatched });
  return { job, dispatched };
}

export async function handler(event: DispatchEvent): Promise<Result> {
  try {
    return await run(loadConfig(process.env), event);
  } catch (err) {
    log("error", "dispatch failed", { error: err instanceof Error ? err.message : String(err) });
    throw err;
  }
}
