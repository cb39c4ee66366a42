import { test } from "node:test";
import assert from "node:assert/strict";
import { fakeBackend, quietLogs } from "../../../lib/testing";
import { handler, loadConfig, run } from "./index";

const baseEnv = { PROJECT_NAME: "practice-interviews", ENVIRONMENT: "dev", FUNCTION_NAME: "practice-interviews-dev-pi-customerio-trial-ended-lambda" };

test("posts to the backend and returns its count", async () => {
  const backend = await fakeBackend(() => ({ status: 200, body: { processed: 3 } }));
  const restore = quietLogs();
  try {
    const config = loadConfig({ ...baseEnv, BACKEND_URL: backend.url + "/api" });
    const result = await run(config, { job: "x" });
    assert.deepEqual(result, { processed: 3 });
    assert.equal(backend.requests.length, 1);
    assert.equal(backend.requests[0].method, "POST");
    assert.equal(backend.requests[0].url, "/api/internal/customerio/trial-ended");
    assert.deepEqual(backend.requests[0].body, { source: baseEnv.FUNCTION_NAME, environment: "dev", event: { job: "x" } });
  } finally {
    restore();
    await backend.close();
  }
});

test("fails loudly on a 500", async () => {
  const backend = await fakeBackend(() => ({ status: 500, body: { error: "boom" } }));
  const restore = quietLogs();
  try {
    await assert.rejects(run(loadConfig({ ...baseEnv, BACKEND_URL: backend.url })), /answered 500/);
  } finally {
    restore();
    await backend.close();
  }
});

test("fails on an answer without a count", async () => {
  const backend = await fakeBackend(() => ({ status: 200, body: { ok: true } }));
  const restore = quietLogs();
  try {
    await assert.rejects(run(loadConfig({ ...baseEnv, BACKEND_URL: backend.url })), /processed/);
  } finally {
    restore();
    await backend.close();
  }
});

test("times out a slow backend", async () => {
  const backend = await fakeBackend(() => ({ status: 200, body: { processed: 1 }, delayMs: 500 }));
  const restore = quietLogs();
  try {
    await assert.rejects(run(loadConfig({ ...baseEnv, BACKEND_URL: backend.url, REQUEST_TIMEOUT_MS: "50" })), /timed out after 50 ms/);
  } finally {
    restore();
    await backend.close();
  }
});

test("rejects missing or malformed configuration", () => {
  assert.throws(() => loadConfig(baseEnv), /BACKEND_URL is not set/);
  assert.throws(() => loadConfig({ ...baseEnv, BACKEND_URL: "not a url" }), /BACKEND_URL is not a URL/);
  assert.throws(() => loadConfig({ ...baseEnv, BACKEND_URL: "ftp://x" }), /http\(s\)/);
  assert.throws(() => loadConfig({ ...baseEnv, BACKEND_URL: "https://x", REQUEST_TIMEOUT_MS: "soon" }), /REQUEST_TIMEOUT_MS/);
});

test("handler logs and rethrows configuration errors", async () => {
  const saved = { ...process.env };
  const restore = quietLogs();
  try {
    for (const k of Object.keys(baseEnv)) delete process.env[k];
    delete process.env.BACKEND_URL;
    await assert.rejects(handler({}), /is not set/);
  } finally {
    restore();
    process.env = saved;
  }
});
