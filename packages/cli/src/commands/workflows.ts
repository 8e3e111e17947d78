import type { Command } from "commander";
import type {
  ActionCall,
  ActionTestRequest,
  InputMapping,
  Workflow,
  WorkflowActionList,
  WorkflowInput,
  WorkflowList,
} from "@sprocket/contract";
import { ACCOUNT_OPTION, clientFor } from "../account-client";
import { CliError } from "../cli-error";
import { examples } from "../examples";
import { ok, printJson, printTable } from "../output";
import { pc } from "../terminal";
import { terminalText as text } from "../terminal-text";
import { streams } from "../streams";

interface Flags {
  account?: string;
  json?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** `--input name=value` pairs; a malformed one is a usage error that names it. */
function pairs(list: string[], option: string): Array<[string, string]> {
  return list.map((pair) => {
    const at = pair.indexOf("=");
    if (at < 1) throw new CliError(`${option} "${pair}" is not name=value.`, 2);
    return [pair.slice(0, at), pair.slice(at + 1)];
  });
}

/** `contacts/123` → the object type and the record id. */
function recordRef(ref: string): { objectType: string; objectId: string } {
  const match = /^([^/\s]+)\/(\d+)$/.exec(ref);
  if (!match) throw new CliError(`--record "${ref}" is not <objectType>/<id>, e.g. contacts/123.`, 2);
  return { objectType: match[1]!, objectId: match[2]! };
}

function printCall(call: ActionCall): void {
  const status =
    call.status === null ? pc.red("no answer") : call.status < 300 ? pc.green(String(call.status)) : pc.red(String(call.status));
  streams.out.write(`${status} in ${Math.round(call.latencyMs)} ms · trace ${text(call.traceId)}\n`);
  if (call.error) streams.out.write(`${pc.red(text(call.error, { multiline: true }))}\n`);
  if (call.outputFields) streams.out.write(`outputFields: ${text(JSON.stringify(call.outputFields, null, 2), { multiline: true })}\n`);
  else if (call.responseBody) streams.out.write(`response: ${text(call.responseBody, { multiline: true })}\n`);
}

/** `sprocket apps actions ...`: the workflow actions of a deployed app, and "Test action". */
export function registerAppActions(apps: Command): void {
  const actions = apps
    .command("actions")
    .description("an app's workflow actions: list them, test one on a record")
    .addHelpText(
      "after",
      examples("sprocket apps actions list my-app", "sprocket apps actions test my-app my-action --record contacts/123"),
    );

  actions
    .command("list <app>")
    .description("list the app's deployed workflow actions with their input and output fields")
    .option(...ACCOUNT_OPTION)
    .option("--json", "print as JSON")
    .addHelpText("after", examples("sprocket apps actions list my-app", "sprocket apps actions list my-app --json"))
    .action(async (app: string, flags: Flags) => {
      const res = await clientFor(flags).call<WorkflowActionList>(
        "GET",
        `/api/v1/private-apps/${encodeURIComponent(app)}/workflow-actions`,
      );
      if (flags.json) return void printJson(res);
      printTable(
        ["Id", "Uid", "Name", "Action URL", "Inputs", "Outputs"],
        res.results.map((a) => [
          a.id,
          text(a.uid),
          text(a.name),
          text(a.actionUrl),
          text(a.inputFields.map((f) => `${f.name}${f.isRequired ? "*" : ""}`).join(", ")),
          text(a.outputFields.map((f) => f.name).join(", ")),
        ]),
      );
    });

  actions
    .command("test <app> <action>")
    .description("call the action's actionUrl for a record, signed as HubSpot does, and show the answer (nothing is written)")
    .requiredOption("--record <objectType/id>", "the record the action runs on, e.g. contacts/123")
    .option("--input <name=value>", "an input field's value (repeat for each)", collect, [])
    .option(...ACCOUNT_OPTION)
    .option("--json", "print the call as JSON")
    .addHelpText(
      "after",
      examples(
        "sprocket apps actions test my-app enrich-contact --record contacts/123 --input greeting=Hello",
        "sprocket apps actions test my-app enrich-contact --record 0-1/123 --input greeting=Hi --input tier=gold --json",
      ),
    )
    .action(async (app: string, action: string, flags: Flags & { record: string; input: string[] }) => {
      const body: ActionTestRequest = { ...recordRef(flags.record), inputFields: Object.fromEntries(pairs(flags.input, "--input")) };
      const call = await clientFor(flags).call<ActionCall>(
        "POST",
        `/api/v1/private-apps/${encodeURIComponent(app)}/workflow-actions/${encodeURIComponent(action)}/test`,
        { body },
      );
      if (flags.json) printJson(call);
      else printCall(call);
      if (call.outcome !== "succeeded") process.exitCode = 1;
    });
}

/** `--on created` or `--on changed:<property>`. */
function triggerOf(on: string): WorkflowInput["trigger"] {
  if (on === "created") return { type: "RECORD_CREATED" };
  const property = /^changed:(.+)$/.exec(on)?.[1];
  if (property) return { type: "PROPERTY_CHANGED", propertyName: property };
  throw new CliError(`--on "${on}" is not "created" or "changed:<property>".`, 2);
}

const triggerText = (w: Workflow) => (w.trigger.type === "RECORD_CREATED" ? "record created" : `${w.trigger.propertyName} changed`);

/** `sprocket workflows ...`: the account's workflows (one trigger, one app action). */
export function registerWorkflows(program: Command): void {
  const workflows = program
    .command("workflows")
    .description("workflows: enrol records on a trigger into an app's workflow action")
    .addHelpText(
      "after",
      examples("sprocket workflows list", "sprocket workflows create --name Enrich --object contacts --on created --action my-app/enrich"),
    );

  workflows
    .command("list")
    .description("list the account's workflows")
    .option(...ACCOUNT_OPTION)
    .option("--json", "print as JSON")
    .addHelpText("after", examples("sprocket workflows list", "sprocket workflows list --json"))
    .action(async (flags: Flags) => {
      const res = await clientFor(flags).call<WorkflowList>("GET", "/api/v1/workflows");
      if (flags.json) return void printJson(res);
      printTable(
        ["Id", "Name", "Object", "Trigger", "Action"],
        res.results.map((w) => [w.id, text(w.name), text(w.objectTypeId), text(triggerText(w)), text(`${w.actionUid} (${w.actionName})`)]),
      );
    });

  workflows
    .command("create")
    .description("enrol records of a type into an app's workflow action when they are created or a property changes")
    .requiredOption("--name <name>", "the workflow's name")
    .requiredOption("--object <type>", "the object type enrolled: contacts, companies, deals, ...")
    .requiredOption("--on <trigger>", '"created", or "changed:<property>"')
    .requiredOption("--action <app/action>", "the app (uid or id) and the workflow action's uid")
    .option("--input <name=value>", "a static value for an input field (repeat for each)", collect, [])
    .option("--input-property <name=property>", "fill an input field from a property of the record (repeat for each)", collect, [])
    .option(...ACCOUNT_OPTION)
    .option("--json", "print the workflow as JSON")
    .addHelpText(
      "after",
      examples(
        "sprocket workflows create --name Enrich --object contacts --on created --action my-app/enrich-contact --input greeting=Hi",
        "sprocket workflows create --name Retitle --object contacts --on changed:jobtitle --action my-app/enrich-contact --input-property contactEmail=email",
      ),
    )
    .action(
      async (flags: Flags & { name: string; object: string; on: string; action: string; input: string[]; inputProperty: string[] }) => {
        const trigger = triggerOf(flags.on);
        const slash = flags.action.lastIndexOf("/");
        if (slash < 1) throw new CliError(`--action "${flags.action}" is not <app>/<action>, e.g. my-app/enrich-contact.`, 2);
        const [app, uid] = [flags.action.slice(0, slash), flags.action.slice(slash + 1)];
        const inputFields: Record<string, InputMapping> = {
          ...Object.fromEntries(pairs(flags.input, "--input").map(([k, value]) => [k, { type: "STATIC_VALUE", value }])),
          ...Object.fromEntries(
            pairs(flags.inputProperty, "--input-property").map(([k, propertyName]) => [k, { type: "OBJECT_PROPERTY", propertyName }]),
          ),
        };
        const client = clientFor(flags);
        const actions = await client.call<WorkflowActionList>("GET", `/api/v1/private-apps/${encodeURIComponent(app)}/workflow-actions`);
        const action = actions.results.find((a) => a.uid === uid);
        if (!action)
          throw new CliError(
            `App ${text(app)} has no workflow action "${text(uid)}"; it has ${text(actions.results.map((a) => a.uid).join(", ") || "none")}.`,
          );
        const body: WorkflowInput = { name: flags.name, objectType: flags.object, trigger, actionId: action.id, inputFields };
        const created = await client.call<Workflow>("POST", "/api/v1/workflows", { body });
        if (flags.json) printJson(created);
        else
          ok(
            `Workflow ${created.id} "${text(created.name)}" enrols ${text(created.objectTypeId)} records on ${text(triggerText(created))}.`,
          );
      },
    );

  workflows
    .command("delete <id>")
    .description("delete a workflow: records stop enrolling; executions already queued end without calling the action")
    .option(...ACCOUNT_OPTION)
    .addHelpText("after", examples("sprocket workflows delete 3"))
    .action(async (id: string, flags: Flags) => {
      await clientFor(flags).call("DELETE", `/api/v1/workflows/${encodeURIComponent(id)}`);
      ok(`Deleted workflow ${text(id)}.`);
    });
}
