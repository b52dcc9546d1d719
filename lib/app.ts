import type { App, Environment } from 'aws-cdk-lib';
import { PIPELINE, withCollectionCadence, type PipelineFunction } from '../shared/pipeline';
import { parseCollectionCadenceHours } from '../shared/contracts/config';
import { StatefulStack } from './stateful-stack';
import { StatelessStack } from './stateless-stack';
import { ForwarderStack } from './forwarder-stack';
import { CarbonEmissionsExportStorage, CarbonExportStack } from './carbon-export-construct';

export interface CarbonPilotAppOptions {
  /** Omit for environment-agnostic stacks (synth works offline with no credentials). */
  env?: Environment;
  pipeline?: readonly PipelineFunction[];
  repoRoot?: string;
  alarmEmail?: string;
  /** E-mail subscribed to the carbon budget alert topic (CDK context `budgetAlertEmail`). */
  budgetAlertEmail?: string;
  /**
   * Other regions CarbonPilot monitors and may launch training jobs in (besides home, the stacks' region): each gets
   * a forwarder stack for its service events, and every function's MONITORED_REGIONS lists home + these.
   */
  regions?: readonly string[];
  /** The home region; required with `regions` when the stacks are environment-agnostic. */
  homeRegion?: string;
  /** Hours between collection runs; default: CDK context `collectionCadenceHours`, else the pipeline's (hourly). */
  collectionCadenceHours?: number;
  /**
   * Also create AWS's carbon Data Export (`CARBON_EMISSIONS`) and its Glue table beside ours; default: CDK context
   * `carbonEmissionsExport` (`-c carbonEmissionsExport=true`), else off. Needs the home region (the export itself is
   * created in us-east-1, the only region CloudFormation supports it in).
   */
  carbonEmissionsExport?: boolean;
}

export interface CarbonPilotStacks {
  stateful: StatefulStack;
  stateless: StatelessStack;
  forwarders: ForwarderStack[];
  /** Present only with `carbonEmissionsExport`. */
  carbonExport?: CarbonExportStack;
}

/** Adds the CarbonPilot stacks to `app` (used by bin/carbonpilot.ts and by test/infra). */
export function addCarbonPilotStacks(app: App, opts: CarbonPilotAppOptions = {}): CarbonPilotStacks {
  const home = opts.env?.region ?? opts.homeRegion;
  const regions = [...new Set(opts.regions ?? [])].filter((r) => r !== home);
  if (regions.length && !home) throw new Error('regions: a home region is needed for cross-region forwarding (set CDK_DEFAULT_REGION or the homeRegion context)');
  for (const r of regions) if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(r)) throw new Error(`regions: "${r}" is not an AWS region code`);
  // `cdk deploy -c collectionCadenceHours=6`: validated here, so a bad value fails synth naming the setting.
  const cadence = opts.collectionCadenceHours ?? app.node.tryGetContext('collectionCadenceHours');
  const pipeline =
    cadence === undefined ? opts.pipeline : withCollectionCadence(opts.pipeline ?? PIPELINE, parseCollectionCadenceHours(cadence, 'collectionCadenceHours (CDK context)'));
  const stateful = new StatefulStack(app, 'CarbonPilotStateful', {
    env: opts.env,
    description: 'CarbonPilot stateful resources: footprint table and dead-letter queues (retained)',
  });
  const stateless = new StatelessStack(app, 'CarbonPilotStateless', {
    env: opts.env,
    description: 'CarbonPilot functions, rules, event bus and alarms, generated from shared/pipeline.ts',
    table: stateful.table,
    indexNames: stateful.indexNames,
    eventTargetDlq: stateful.eventTargetDlq,
    lambdaFailureDlq: stateful.lambdaFailureDlq,
    footprintExport: stateful.footprintExport,
    pipeline,
    repoRoot: opts.repoRoot,
    alarmEmail: opts.alarmEmail,
    budgetAlertEmail: opts.budgetAlertEmail ?? (app.node.tryGetContext('budgetAlertEmail') as string | undefined),
    monitoredRegions: regions.length ? [home!, ...regions] : undefined,
  });
  stateless.addStackDependency(stateful);
  const forwarders = regions.map(
    (region) =>
      new ForwarderStack(app, `CarbonPilotForwarder-${region}`, {
        env: { account: opts.env?.account, region },
        homeRegion: home!,
        pipeline: opts.pipeline,
        description: `CarbonPilot: forwards SageMaker and EC2 state changes from ${region} to the home region ${home}`,
      }),
  );
  const flag = opts.carbonEmissionsExport ?? app.node.tryGetContext('carbonEmissionsExport');
  if (flag !== undefined && ![true, false, 'true', 'false'].includes(flag)) throw new Error(`carbonEmissionsExport (CDK context): expected true or false, got ${JSON.stringify(flag)}`);
  let carbonExport: CarbonExportStack | undefined;
  if (flag === true || flag === 'true') {
    if (!home) throw new Error('carbonEmissionsExport: a home region is needed (deploy with CDK_DEFAULT_REGION set, or -c homeRegion=…)');
    new CarbonEmissionsExportStorage(stateful, 'CarbonEmissionsExport', { footprintExport: stateful.footprintExport });
    carbonExport = new CarbonExportStack(app, 'CarbonPilotCarbonExport', {
      account: opts.env?.account,
      homeRegion: home,
      description: "CarbonPilot: AWS's carbon emissions Data Export (us-east-1 only), delivered to the home region's bucket",
    });
    carbonExport.addStackDependency(stateful); // the bucket and its policy exist before the export is created
  }
  return { stateful, stateless, forwarders, ...(carbonExport ? { carbonExport } : {}) };
}
