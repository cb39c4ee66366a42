import { test } from "node:test";
import assert from "node:assert/strict";
import { fakeBackend, quietLogs } from "../../../lib/testing";
import { loadConfig, run } from "./index";

const baseEnv = {
  PROJECT_NAME: "project-x",
  ENVIRONMENT: "dev",
  FUNCTION_NAME: "project-x-dev-project-x-task",
  API_KEY_PARAMETER: "/project-x/dev/api-key",
};

test("authenticates with the key read from the parameter", async () => {
  const api = await fakeBackend(() => ({ status: 200, body: { ok: true } }));
  const restore = quietLogs();
  const asked: string[] = [];
  try {
    const config = loadConfig({ ...baseEnv, API_URL: api.url });
    const result = await run(config, async (name) => {
      asked.push(name);
      return "sk-test";
    });
    assert.deepEqual(result, { status: 200 });
    assert.deepEqual(asked, ["/project-x/dev/api-key"]);
    assert.equal(api.requests[0].headers.authorization, "Bearer sk-test");
    assert.equal(api.requests[0].url, "/tasks/run");
  } finally {
    restore();
    await api.close();
  }
});

test("fails loudly on 401", async () => {
  const api = await fakeBackend(() => ({ status: 401, body: { error: "bad key" } }));
  const restore = quietLogs();
  try {
    await assert.rejects(run(loadConfig({ ...baseEnv, API_URL: api.url }), async () => "wrong"), /answered 401/);
  } finally {
    restore();
    await api.close();
  }
});

test("requires a parameter path, not a value", () => {
  assert.throws(() => loadConfig({ ...baseEnv, API_URL: "https://x", API_KEY_PARAMETER: "sk-live-123" }), /parameter path/);
  assert.throws(() => loadConfig({ ...baseEnv, API_KEY_PARAMETER: "/p" }), /API_URL is not set/);
});
