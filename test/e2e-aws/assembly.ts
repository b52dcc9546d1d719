/**
 * The deployed artefacts, as `cdk deploy` would upload them: synthesize the CarbonPilot app WITH bundling (the real
 * esbuild bundles NodejsFunction produces), then read back from the cloud assembly each function's bundle directory,
 * handler and environment, every rule (schedules, patterns, targets) of the home and forwarder stacks, and the table
 * definition. CloudFormation intrinsics are resolved to the physical names the emulation uses; anything the resolver
 * does not understand is an error (the harness must not paper over a template it cannot deploy).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { addCarbonPilotStacks } from '../../lib/app';

export const ACCOUNT = '123456789012';

export interface FunctionArtifact {
  logicalId: string;
  /** Pipeline function id (from the description the pipeline gives it). */
  id: string;
  name: string;
  arn: string;
  bundleDir: string;
  handler: string;
  environment: Record<string, string>;
  timeoutSec: number;
  memoryMb: number;
}

export interface RuleArtifact {
  stack: string;
  region: string;
  logicalId: string;
  description: string;
  /** 'default' or the custom bus name. */
  bus: string;
  schedule?: string;
  pattern?: Record<string, unknown>;
  targets: { arn: string; input?: string; kind: 'lambda' | 'event-bus' | 'sns-topic' }[];
}

export interface Assembly {
  dir: string;
  homeRegion: string;
  regions: string[];
  functions: FunctionArtifact[];
  rules: RuleArtifact[];
  table: { name: string; properties: Record<string, any> };
  buckets: { export: string };
  schedulerRoleArn: string;
}

type Template = { Resources: Record<string, { Type: string; Properties?: any; Metadata?: any }>; Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }> };

/** Physical name we give a resource in the emulation. */
const physical = (stack: string, logicalId: string) => `${stack}-${logicalId}`.slice(0, 64);

export function synthesizeDeployable(homeRegion: string, regions: string[]): Assembly {
  const dir = mkdtempSync(join(tmpdir(), 'carbonpilot-e2e-aws-'));
  // Asset metadata (what the CLI enables) names each function's bundle directory in the template.
  const app = new App({ outdir: dir, context: { 'aws:cdk:enable-asset-metadata': true } });
  addCarbonPilotStacks(app, { env: { account: ACCOUNT, region: homeRegion }, regions });
  const cloud = app.synth();

  const templates = new Map<string, { template: Template; region: string }>();
  for (const s of cloud.stacks) templates.set(s.stackName, { template: s.template as Template, region: s.environment.region });

  // Exports → values (strong cross-stack references become Fn::ImportValue in the consumer).
  const exports = new Map<string, unknown>();
  for (const [stack, { template }] of templates) {
    for (const o of Object.values(template.Outputs ?? {})) if (o.Export) exports.set(String(resolve(stack, o.Export.Name)), { stack, value: o.Value });
  }

  function resolve(stack: string, v: unknown): unknown {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
    if (Array.isArray(v)) return v.map((x) => resolve(stack, x));
    if (!v || typeof v !== 'object') throw new Error(`unresolvable value ${JSON.stringify(v)}`);
    const o = v as Record<string, unknown>;
    const { template, region } = templates.get(stack)!;
    if ('Ref' in o) {
      const ref = String(o.Ref);
      if (ref === 'AWS::Region') return region;
      if (ref === 'AWS::AccountId') return ACCOUNT;
      if (ref === 'AWS::Partition') return 'aws';
      if (ref === 'AWS::URLSuffix') return 'amazonaws.com';
      const r = template.Resources[ref];
      if (!r) throw new Error(`${stack}: Ref to unknown ${ref}`);
      return refOf(stack, ref, r.Type, region);
    }
    if ('Fn::GetAtt' in o) {
      const [ref, attr] = o['Fn::GetAtt'] as [string, string];
      const r = template.Resources[ref];
      if (!r) throw new Error(`${stack}: GetAtt of unknown ${ref}`);
      return getAtt(stack, ref, r.Type, attr, region);
    }
    if ('Fn::Join' in o) {
      const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
      return (parts.map((p) => resolve(stack, p)) as string[]).join(sep);
    }
    if ('Fn::ImportValue' in o) {
      const name = String(resolve(stack, o['Fn::ImportValue']));
      const e = exports.get(name) as { stack: string; value: unknown } | undefined;
      if (!e) throw new Error(`${stack}: import of unknown export ${name}`);
      return resolve(e.stack, e.value);
    }
    if ('Fn::Select' in o) {
      const [i, list] = o['Fn::Select'] as [number, unknown];
      return (resolve(stack, list) as unknown[])[Number(i)];
    }
    if ('Fn::Split' in o) {
      const [sep, s] = o['Fn::Split'] as [string, unknown];
      return String(resolve(stack, s)).split(sep);
    }
    throw new Error(`${stack}: unsupported intrinsic ${Object.keys(o).join(',')}`);
  }

  const refOf = (stack: string, logicalId: string, type: string, region: string): string => {
    const name = physical(stack, logicalId);
    switch (type) {
      case 'AWS::SQS::Queue':
        return `https://sqs.${region}.amazonaws.com/${ACCOUNT}/${name}`;
      case 'AWS::IAM::Role':
      case 'AWS::DynamoDB::Table':
      case 'AWS::Lambda::Function':
      case 'AWS::S3::Bucket':
      case 'AWS::Events::EventBus':
      case 'AWS::SNS::Topic':
      case 'AWS::Logs::LogGroup':
        return type === 'AWS::SNS::Topic' ? `arn:aws:sns:${region}:${ACCOUNT}:${name}` : type === 'AWS::Events::EventBus' ? (templates.get(stack)!.template.Resources[logicalId].Properties?.Name ?? name) : name.toLowerCase();
      default:
        return name;
    }
  };
  const getAtt = (stack: string, logicalId: string, type: string, attr: string, region: string): string => {
    const name = refOf(stack, logicalId, type, region);
    if (attr !== 'Arn') {
      if (type === 'AWS::SQS::Queue' && attr === 'QueueName') return physical(stack, logicalId);
      if (type === 'AWS::S3::Bucket' && attr === 'RegionalDomainName') return `${name}.s3.${region}.amazonaws.com`;
      throw new Error(`${stack}: unsupported GetAtt ${logicalId}.${attr}`);
    }
    const svc: Record<string, string> = {
      'AWS::IAM::Role': `arn:aws:iam::${ACCOUNT}:role/${name}`,
      'AWS::DynamoDB::Table': `arn:aws:dynamodb:${region}:${ACCOUNT}:table/${name}`,
      'AWS::Lambda::Function': `arn:aws:lambda:${region}:${ACCOUNT}:function:${name}`,
      'AWS::S3::Bucket': `arn:aws:s3:::${name}`,
      'AWS::SQS::Queue': `arn:aws:sqs:${region}:${ACCOUNT}:${physical(stack, logicalId)}`,
      'AWS::Events::EventBus': `arn:aws:events:${region}:${ACCOUNT}:event-bus/${name}`,
      'AWS::SNS::Topic': name,
      'AWS::Logs::LogGroup': `arn:aws:logs:${region}:${ACCOUNT}:log-group:${name}`,
      'AWS::Events::Rule': `arn:aws:events:${region}:${ACCOUNT}:rule/${name}`,
    };
    if (!svc[type]) throw new Error(`${stack}: no ARN shape for ${type}`);
    return svc[type];
  };

  const { PIPELINE } = require('../../shared/pipeline') as typeof import('../../shared/pipeline');
  const functions: FunctionArtifact[] = [];
  const rules: RuleArtifact[] = [];
  let table: Assembly['table'] | undefined;
  let exportBucket = '';
  let schedulerRoleArn = '';
  for (const [stack, { template, region }] of templates) {
    for (const [logicalId, r] of Object.entries(template.Resources)) {
      if (r.Type === 'AWS::Lambda::Function') {
        const p = r.Properties;
        const assetPath = r.Metadata?.['aws:asset:path'];
        if (!assetPath) throw new Error(`${logicalId}: no bundled asset (bundling skipped?)`);
        const def = PIPELINE.find((f) => f.description.slice(0, 256) === p.Description);
        if (!def) continue; // CDK-internal functions (none expected)
        const env = Object.fromEntries(Object.entries((p.Environment?.Variables ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(resolve(stack, v))]));
        functions.push({
          logicalId,
          id: def.id,
          name: refOf(stack, logicalId, r.Type, region),
          arn: getAtt(stack, logicalId, r.Type, 'Arn', region),
          bundleDir: join(dir, assetPath),
          handler: String(p.Handler),
          environment: env,
          timeoutSec: Number(p.Timeout),
          memoryMb: Number(p.MemorySize),
        });
      } else if (r.Type === 'AWS::Events::Rule') {
        const p = r.Properties;
        const busRef = p.EventBusName !== undefined ? String(resolve(stack, p.EventBusName)) : 'default';
        rules.push({
          stack,
          region,
          logicalId,
          description: String(p.Description ?? ''),
          bus: busRef,
          schedule: p.ScheduleExpression,
          pattern: p.EventPattern,
          targets: (p.Targets ?? []).map((t: any) => {
            const arn = String(resolve(stack, t.Arn));
            const kind = arn.includes(':event-bus/') ? ('event-bus' as const) : arn.startsWith('arn:aws:sns:') ? ('sns-topic' as const) : ('lambda' as const);
            return { arn, input: t.Input, kind };
          }),
        });
      } else if (r.Type === 'AWS::DynamoDB::Table') {
        table = { name: refOf(stack, logicalId, r.Type, region), properties: r.Properties };
      } else if (r.Type === 'AWS::S3::Bucket' && /FootprintExport/.test(logicalId) && !/Athena|Results|Query/i.test(logicalId)) {
        exportBucket ||= refOf(stack, logicalId, r.Type, region);
      } else if (r.Type === 'AWS::IAM::Role' && /SchedulerInvokeRole/.test(logicalId)) {
        schedulerRoleArn = getAtt(stack, logicalId, r.Type, 'Arn', region);
      }
    }
  }
  if (!table) throw new Error('no DynamoDB table in the assembly');
  const bucketFromEnv = functions.find((f) => f.environment.EXPORT_BUCKET)?.environment.EXPORT_BUCKET;
  return { dir, homeRegion, regions: [homeRegion, ...regions], functions, rules, table, buckets: { export: bucketFromEnv ?? exportBucket }, schedulerRoleArn };
}
