#!/usr/bin/env node
/** CDK app entry (cdk.json: `npx tsx bin/carbonpilot.ts`). Synthesizes offline: stacks are environment-agnostic
 * unless CDK_DEFAULT_ACCOUNT and CDK_DEFAULT_REGION are set (the CLI sets them when credentials are available). */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addCarbonPilotStacks } from '../lib/app';

const app = new App();
const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;
const alarmEmail = app.node.tryGetContext('alarmEmail') as string | undefined;
// Other regions to monitor and launch jobs in: `-c regions=eu-north-1,us-west-2` (home = the deploy region, or -c homeRegion=…).
const regions = String(app.node.tryGetContext('regions') ?? '').split(',').map((r) => r.trim()).filter(Boolean);
const homeRegion = app.node.tryGetContext('homeRegion') as string | undefined;

addCarbonPilotStacks(app, { env: account && region ? { account, region } : undefined, alarmEmail, regions, homeRegion });

// cdk-nag 3.x is a policy-validation plugin: findings fail `cdk synth` unless acknowledged with a reason.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
