import type { App, Environment } from 'aws-cdk-lib';
import { PIPELINE, withCollectionCadence, type PipelineFunction } from '../shared/pipeline';
import { parseCollectionCadenceHours } from '../shared/contracts/config';
import { StatefulStack } from './stateful-stack';
import { StatelessStack } from './stateless-stack';

export interface CarbonPilotAppOptions {
  /** Omit for environment-agnostic stacks (synth works offline with no credentials). */
  env?: Environment;
  pipeline?: readonly PipelineFunction[];
  repoRoot?: string;
  alarmEmail?: string;
  /** Hours between collection runs; default: CDK context `collectionCadenceHours`, else the pipeline's (hourly). */
  collectionCadenceHours?: number;
}

export interface CarbonPilotStacks {
  stateful: StatefulStack;
  stateless: StatelessStack;
}

/** Adds the CarbonPilot stacks to `app` (used by bin/carbonpilot.ts and by test/infra). */
export function addCarbonPilotStacks(app: App, opts: CarbonPilotAppOptions = {}): CarbonPilotStacks {
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
  });
  stateless.addStackDependency(stateful);
  return { stateful, stateless };
}
