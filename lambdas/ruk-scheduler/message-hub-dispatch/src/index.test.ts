import { test } from "node:test";
import assert from "node:assert/strict";
import { fakeBackend, quietLogs } from "../../../lib/testing";
import { loadConfig, parseJob, run } from "./index";

const baseEnv = { PROJECT_NAME: "ruk-scheduler", ENVIRONMENT: "dev", FUNCTION_NAME: "ruk-scheduler-dev-message-hub-dispatch" };

test("dispatches the job named by the schedule input", async () => {
  const hub = await fakeBackend(() => ({ status: 202, body: { dispatched: 7 } }));
  const restore = quietLogs();
  try {
    const result = await run(loadConfig({ ...baseEnv, MESSAGE_HUB_URL: hub.url }), { job: "daily-digest" });
    assert.deepEqual(result, { job: "daily-digest", dispatched: 7 });
    assert.equal(hub.requests[0].url, "/schedules/daily-digest/dispatch");
    assert.deepEqual(hub.requests[0].body, { requestedBy: baseEnv.FUNCTION_NAME });
  } finally {
    restore();
    await hub.close();
  }
});

test("defaults to dispatch-due and refuses unknown jobs", () => {
  assert.equal(parseJob({}), "dispatch-due");
  assert.throws(() => parseJob({ job: "everything" }), /unknown job "everything"/);
  assert.throws(() => parseJob({ job: 3 }), /unknown job 3/);
});

test("fails loudly when the hub refuses", async () => {
  const hub = await fakeBackend(() => ({ status: 503, body: "down" }));
  const restore = quietLogs();
  try {
    await assert.rejects(run(loadConfig({ ...baseEnv, MESSAGE_HUB_URL: hub.url })), /answered 503/);
  } finally {
    restore();
    await hub.close();
  }
});

test("fails on a body that is not JSON", async () => {
  const hub = await fakeBackend(() => ({ status: 200, body: "<html>" }));
  const restore = quietLogs();
  try {
    await assert.rejects(run(loadConfig({ ...baseEnv, MESSAGE_HUB_URL: hub.url })), /not JSON/);
  } finally {
    restore();
    await hub.close();
  }
});

test("requires MESSAGE_HUB_URL", () => {
  assert.throws(() => loadConfig(baseEnv), /MESSAGE_HUB_URL is not set/);
});
