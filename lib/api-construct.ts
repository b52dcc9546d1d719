/**
 * The jobs HTTP API: API Gateway HTTP API with IAM authorisation (SigV4) on every route, all routes → the api
 * Lambda (lambdas/api/handler.ts), access logs to CloudWatch Logs. Routes mirror shared/http/jobs-routes.ts.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface JobsApiProps {
  /** The api Lambda (lambdas/api/handler.ts). */
  handler: lambda.IFunction;
}

/** Routes of the jobs API (same paths as the local server). */
export const JOBS_API_ROUTES: readonly { method: apigw.HttpMethod; path: string }[] = [
  { method: apigw.HttpMethod.POST, path: '/api/jobs' },
  { method: apigw.HttpMethod.GET, path: '/api/jobs/{id}' },
  { method: apigw.HttpMethod.DELETE, path: '/api/jobs/{id}' },
  { method: apigw.HttpMethod.POST, path: '/api/plans' },
];

export class JobsApi extends Construct {
  readonly api: apigw.HttpApi;

  constructor(scope: Construct, id: string, props: JobsApiProps) {
    super(scope, id);
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    this.api = new apigw.HttpApi(this, 'Api', {
      description: 'CarbonPilot carbon-aware jobs API (IAM-authorised)',
      defaultAuthorizer: new HttpIamAuthorizer(),
      createDefaultStage: false,
    });
    new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: { destination: new apigw.LogGroupLogDestination(accessLogs) },
      throttle: { rateLimit: 20, burstLimit: 40 },
    });
    const integration = new HttpLambdaIntegration('Jobs', props.handler);
    for (const r of JOBS_API_ROUTES) this.api.addRoutes({ path: r.path, methods: [r.method], integration });
    // HTTP APIs have no request validators or WAF association; validation is in the handler (zod, 400 per field).
    Validations.of(this).acknowledge({ id: 'AwsSolutions-APIG2', reason: 'HTTP API: request validation is done in the Lambda with zod and returns field-level 400s' });
  }
}
