import type { RemovalPolicy } from 'aws-cdk-lib';
import { CfnAccount } from 'aws-cdk-lib/aws-apigateway';
import { LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { suppressNag } from './nag.js';

/** The stage's access logs (one JSON line per connect, message and disconnect). */
export interface WsappAccessLogOptions {
  /** How long they are kept. Default one month. */
  readonly retention?: RetentionDays;
  /**
   * Sets the region's API Gateway CloudWatch Logs role (`AWS::ApiGateway::Account`), without which
   * a WebSocket stage with logging fails to deploy ("CloudWatch Logs role ARN must be set in account
   * settings"). One setting per account and region: turn this off when your account already has
   * one (or another stack sets it). Default `true`.
   */
  readonly setAccountRole?: boolean;
}

/** The log group, its destination and, when asked, the account-level role API Gateway logs with. */
export function accessLogs(scope: Construct, options: WsappAccessLogOptions, removalPolicy: RemovalPolicy) {
  const logGroup = new LogGroup(scope, 'AccessLogs', {
    retention: options.retention ?? RetentionDays.ONE_MONTH,
    removalPolicy,
  });
  let account: CfnAccount | undefined;
  if (options.setAccountRole ?? true) {
    const role = new Role(scope, 'ApiGatewayLogsRole', {
      assumedBy: new ServicePrincipal('apigateway.amazonaws.com'),
      managedPolicies: [
        ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonAPIGatewayPushToCloudWatchLogs'),
      ],
    });
    suppressNag(role, [
      {
        id: 'AwsSolutions-IAM4',
        findings: [
          'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs',
        ],
        reason:
          "AmazonAPIGatewayPushToCloudWatchLogs is AWS's policy for API Gateway's account-level logging role; " +
          'API Gateway creates the execution log groups itself, so their names are not known here.',
      },
    ]);
    account = new CfnAccount(scope, 'ApiGatewayAccount', { cloudWatchRoleArn: role.roleArn });
  }
  return { logGroup, destination: new LogGroupLogDestination(logGroup), account };
}
