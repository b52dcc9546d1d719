/**
 * The jobs HTTP API: API Gateway HTTP API with IAM authorisation (SigV4) on every route, all routes → the api
 * Lambda (lambdas/api/handler.ts), access logs to CloudWatch Logs. Routes come from shared/http/api-routes.ts.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { API_ROUTE_SPECS } from '../shared/http/api-routes';

export interface JobsApiProps {
  /** The api Lambda (lambdas/api/handler.ts). */
  handler: lambda.IFunction;
}

/** API Gateway routes: one per entry of the API route registry (shared/http/api-routes.ts), `:id` → `{id}`. */
export const JOBS_API_ROUTES: readonly { method: apigw.HttpMethod; path: string }[] = API_ROUTE_SPECS.map((r) => ({
  method: apigw.HttpMethod[r.method],
  path: r.path.replace(/:([A-Za-z]+)/g, '{$1}'),
}));

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
