import path from "node:path";
import { hubspotUploadIgnore, zipDirectory } from "@sprocket/builder";
import { ProjectApi } from "../../../packages/server/test/support/project-api";
import { check, type ReliabilityCase } from "../case";
import { probe } from "../http-probe";
import type { World } from "../world";

const PROJECT = path.join(import.meta.dirname, "fixtures/runner-attacks");

interface Deployed {
  api: ProjectApi;
  appId: number;
  appToken: string;
}

/** The hostile functions (fixtures/runner-attacks), deployed once per world into each account that needs them. */
const deployed = new WeakMap<World, Map<"a" | "b", Promise<Deployed>>>();

async function deploy(w: World, who: "a" | "b"): Promise<Deployed> {
  const tenant = w[who];
  const api = new ProjectApi(w.server.url, tenant.personalAccessKey);
  const zip = await zipDirectory(path.join(PROJECT, "src"), { ignore: hubspotUploadIgnore });
  const project = await api.call("POST", "/developer/projects/v1", { body: { name: "runner-attacks" } });
  check(project.status < 300, `the project in ${who.toUpperCase()}: ${project.status} ${JSON.stringify(project.body)}`);
  const upload = await api.upload("runner-attacks", zip, { platformVersion: "2025.1" });
  check(upload.status === 200, `upload into ${who.toUpperCase()}: ${upload.status} ${JSON.stringify(upload.body)}`);
  const build = await api.waitForBuild("runner-attacks", upload.body.buildId);
  check(build.status === "SUCCESS", `build in ${who.toUpperCase()}: ${JSON.stringify(build)}`);
  await api.waitForDeploy("runner-attacks", Number(build.deployStatusTaskLocator.id));
  const apps = await api.call("GET", "/api/v1/private-apps");
  const app = (apps.body.results as Array<{ uid: string; appId: number }>).find((a) => a.uid === "runner-attacks")!;
  const token = await api.call("POST", `/api/v1/private-apps/${app.appId}/token/reveal`);
  check(token.status === 200, `the app token in ${who.toUpperCase()}: ${token.status}`);
  return { api, appId: app.appId, appToken: token.body.token as string };
}

function hostile(w: World, who: "a" | "b"): Promise<Deployed> {
  let forWorld = deployed.get(w);
  if (!forWorld) deployed.set(w, (forWorld = new Map()));
  let pending = forWorld.get(who);
  if (!pending) forWorld.set(who, (pending = deploy(w, who)));
  return pending;
}

async function run(d: Deployed, name: string, parameters: Record<string, unknown> = {}) {
  return d.api.call("POST", `/api/crm-extensibility/execution/internal/v3/action/function/${d.appId}`, {
    body: { serverlessFunction: name, parameters },
  });
}

/** Boundary: a tenant's function and the host it runs on (packages/runtime: child/network-guard.ts, runner-identity.ts, frames.ts). */
export const runnersAttacks: Array<ReliabilityCase<World>> = [
  {
    name: "C1/M2: A's function cannot open the platform's PostgreSQL (5432) or Redis (6379) on loopback",
    run: async (w) => {
      const a = await hostile(w, "a");
      const seen: string[] = [];
      for (const port of [5432, 6379]) {
        const res = await run(a, "reach", { host: "127.0.0.1", port });
        check(res.status === 200, `reach ${port}: ${res.status} ${JSON.stringify(res.body)}`);
        check(
          res.body.response?.ok === false && res.body.response.code === "EACCES",
          `127.0.0.1:${port} answered the function: ${JSON.stringify(res.body.response)}`,
        );
        seen.push(`${port}: ${res.body.response.code}`);
      }
      return `refused (${seen.join(", ")})`;
    },
  },
  {
    name: "F4: B's function cannot kill or stop A's running function",
    run: async (w) => {
      const [a, b] = await Promise.all([hostile(w, "a"), hostile(w, "b")]);
      const marker = `f4-${Date.now()}`;
      const victim = run(a, "hold", { marker });
      // A's run publishes its pid in a contact of A's and waits for the word to go.
      const bearer = { authorization: `Bearer ${a.appToken}`, "content-type": "application/json" };
      let contact: { id: string; properties: { firstname: string } } | undefined;
      for (let i = 0; i < 200 && !contact; i++) {
        const found = await probe(w.server.url, {
          method: "POST",
          url: "/crm/v3/objects/contacts/search",
          headers: bearer,
          body: JSON.stringify({
            filterGroups: [{ filters: [{ propertyName: "email", operator: "EQ", value: `${marker}@a.example` }] }],
            properties: ["firstname"],
          }),
        });
        contact = found.json?.results?.[0];
        if (!contact) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      check(contact !== undefined, "A's function never published its pid");
      const pid = Number(contact.properties.firstname);
      const kill = await run(b, "kill", { pid, signal: "SIGKILL" });
      const stop = await run(b, "kill", { pid, signal: "SIGSTOP" });
      await probe(w.server.url, {
        method: "PATCH",
        url: `/crm/v3/objects/contacts/${contact.id}`,
        headers: bearer,
        body: JSON.stringify({ properties: { lastname: "go" } }),
      });
      const result = await victim;
      check(
        kill.body.response?.killed === false && kill.body.response.code === "EPERM",
        `B's SIGKILL of pid ${pid}: ${JSON.stringify(kill.body.response)}`,
      );
      check(stop.body.response?.killed === false, `B's SIGSTOP of pid ${pid}: ${JSON.stringify(stop.body.response)}`);
      check(
        result.status === 200 && result.body.response?.survived === true,
        `A's run: ${result.status} ${JSON.stringify(result.body).slice(0, 300)}`,
      );
      return `EPERM for SIGKILL and SIGSTOP; A's run finished`;
    },
  },
  {
    name: "F10: a 40 MB message from A's runner ends that call only; the server keeps answering",
    run: async (w) => {
      const a = await hostile(w, "a");
      const [flood, health] = await Promise.all([run(a, "flood"), probe(w.server.url, { method: "GET", url: "/healthz" })]);
      check(
        flood.status === 400 && flood.body.subCategory === "ServerlessExecution.CRASHED",
        `flood: ${flood.status} ${JSON.stringify(flood.body).slice(0, 300)}`,
      );
      check(/over the \d+-byte limit/.test(String(flood.body.message)), `flood's message: ${flood.body.message}`);
      check(health.status === 200, `/healthz during the flood: ${health.status}`);
      const after = await run(a, "reach", { host: "203.0.113.10", port: 1 });
      check(after.status === 200, `the next call: ${after.status}`);
      return `CRASHED (${String(flood.body.message).slice(0, 80)}…); /healthz 200`;
    },
  },
];
