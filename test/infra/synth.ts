/** Test helpers: synthesize the CarbonPilot app without bundling and read resources back from templates. */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type CarbonPilotAppOptions, type CarbonPilotStacks, addCarbonPilotStacks } from '../../lib/app';
import { RULE_DESCRIPTION_PREFIX } from '../../lib/pipeline-lambda';
import { NOTIFICATION_RULE_PREFIX } from '../../lib/budget-alerts-construct';
import type { BusName, EventPattern } from '../../shared/pipeline';

export interface SynthesizedApp extends CarbonPilotStacks {
  app: App;
  statefulTemplate: Template;
  statelessTemplate: Template;
}

/**
 * Builds the app with bundling skipped ('aws:cdk:bundling-stacks': []) and without CDK's built-in CloudFormation
 * schema validation (a WASM engine that costs ~8 s per process; `npx cdk synth` still runs it).
 */
export function synthesizeTestApp(opts: CarbonPilotAppOptions = {}): SynthesizedApp {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
  const stacks = addCarbonPilotStacks(app, opts);
  return {
    app,
    ...stacks,
    statefulTemplate: Template.fromStack(stacks.stateful),
    statelessTemplate: Template.fromStack(stacks.stateless),
  };
}

/** Unacknowledged AwsSolutions findings, as `ruleName @ constructPath` strings (empty = clean). */
export function nagFindings(app: App): string[] {
  const report = new AwsSolutionsChecks().validateScope(app);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}: ${v.description}`));
}

export interface SynthesizedRule {
  logicalId: string;
  functionId: string;
  triggerId: string;
  bus: BusName;
  pattern?: EventPattern;
  scheduleExpression?: string;
  targets: Array<Record<string, unknown>>;
}

/**
 * Reads every AWS::Events::Rule back from a synthesized template. The function and trigger ids come from the
 * rule description written by lib/pipeline-lambda.ts; a rule without that description is reported as an error.
 */
export function synthesizedEventRules(template: Template): SynthesizedRule[] {
  const rules = template.findResources('AWS::Events::Rule');
  const buses = template.findResources('AWS::Events::EventBus');
  // Notification rules (event → SNS topic, lib/budget-alerts-construct.ts) are not pipeline triggers.
  return Object.entries(rules).filter(([, r]) => !String((r.Properties as Record<string, unknown>).Description).startsWith(NOTIFICATION_RULE_PREFIX)).map(([logicalId, r]) => {
    const p = r.Properties as Record<string, unknown>;
    const m = new RegExp(`^\\${RULE_DESCRIPTION_PREFIX} (\\S+) <- (\\S+)$`).exec(String(p.Description));
    if (!m) throw new Error(`Rule ${logicalId} has no pipeline description: ${String(p.Description)}`);
    let bus: BusName = 'default';
    if (p.EventBusName !== undefined) {
      const ref = (p.EventBusName as { Ref?: string }).Ref;
      const named = ref ? (buses[ref]?.Properties as { Name?: string } | undefined)?.Name : undefined;
      if (named !== 'carbonpilot') throw new Error(`Rule ${logicalId} targets an unknown bus ${JSON.stringify(p.EventBusName)}`);
      bus = 'carbonpilot';
    }
    return {
      logicalId,
      functionId: m[1],
      triggerId: m[2],
      bus,
      pattern: p.EventPattern as EventPattern | undefined,
      scheduleExpression: p.ScheduleExpression as string | undefined,
      targets: (p.Targets as Array<Record<string, unknown>>) ?? [],
    };
  });
}

/** Canonical JSON (sorted keys) for set comparisons of patterns. */
export const canonicalJson = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );
