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

addCarbonPilotStacks(app, { env: account && region ? { account, region } : undefined, alarmEmail });

// cdk-nag 3.x is a policy-validation plugin: findings fail `cdk synth` unless acknowledged with a reason.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
