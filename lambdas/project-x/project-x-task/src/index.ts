// Template task: calls the project's API on a schedule, authenticating with
// an API key read at run time from a SecureString parameter (its value never
// sits in the function's environment or the Terraform state).
import { baseConfig, endpoint, Env, log, postJson, required, requiredUrl } from "../../../lib/job";

export interface Config {
  apiUrl: URL;
  apiKeyParameter: string;
  projectName: string;
  environment: string;
  functionName: string;
  requestTimeoutMs: number;
}

export function loadConfig(env: Env): Config {
  const apiKeyParameter = required(env, "API_KEY_PARAMETER");
  if (!apiKeyParameter.startsWith("/")) {
    throw new Error(`API_KEY_PARAMETER must be a parameter path such as /project-x/dev/api-key, got ${JSON.stringify(apiKeyParameter)}`);
  }
  return { ...baseConfig(env), apiUrl: requiredUrl(env, "API_URL"), apiKeyParameter };
}

/** Reads a SecureString parameter's decrypted value. */
export type ParameterReader = (name: string) => Promise<string>;

/** Reads parameters with the AWS SDK that the Node.js 22 runtime provides. */
export const readParameter: ParameterReader = async (name) => {
  const { SSMClient, GetParameterCommand } = await import("@aws-sdk/client-ssm");
  const out = await new SSMClient({}).send(new GetParameterCommand({ Name: name, WithDecryption: true }));
  const value = out.Parameter?.Value;
  if (!value) throw new Error(`parameter ${name} has no value`);
  return value;
};

export interface Result {
  status: number;
}

export async function run(config: Config, readParam: ParameterReader): Promise<Result> {
  const apiKey = await readParam(config.apiKeyParameter);
  const url = endpoint(config.apiUrl, "tasks/run");
  log("info", "running task", { function: config.functionName, environment: config.environment });
  const { status } = await postJson(url, { project: config.projectName, environment: config.environment }, config.requestTimeoutMs, {
    authorization: `Bearer ${apiKey}`,
  });
  log("info", "task done", { status });
  return { status };
}

export async function handler(): Promise<Result> {
  try {
    return await run(loadConfig(process.env), readParameter);
  } catch (err) {
    log("error", "task failed", { error: err instanceof Error ? err.message : String(err) });
    throw err;
  }
}
