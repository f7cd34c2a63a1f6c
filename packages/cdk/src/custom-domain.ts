import { CfnApiMapping, CfnDomainName } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import { ARecord, type IHostedZone, RecordTarget } from 'aws-cdk-lib/aws-route53';
import { ApiGatewayv2DomainProperties } from 'aws-cdk-lib/aws-route53-targets';
import type { Construct } from 'constructs';

/** A custom domain for the WebSocket API: `wss://{domainName}/{basePath}`. */
export interface WsappCustomDomainOptions {
  /** The domain name, e.g. `ws.example.com`. */
  readonly domainName: string;
  /** An ACM certificate for it, in the stack's region. */
  readonly certificate: ICertificate;
  /** The path the API is mapped under (`wss://ws.example.com/chat`). Default: none (the domain's root). */
  readonly basePath?: string;
  /** A Route 53 zone to create the alias record in. Default: none (point your DNS at `regionalDomainName`). */
  readonly hostedZone?: IHostedZone;
}

/**
 * The regional domain name and its API mapping as L1 resources: the L2 `WebSocketStage` had no
 * domain mapping (aws-cdk issue 23805), and these work on every aws-cdk-lib 2.x.
 */
export function customDomain(
  scope: Construct,
  options: WsappCustomDomainOptions,
  target: { apiId: string; stageName: string; stage: Construct },
) {
  if (options.basePath !== undefined && !/^[A-Za-z0-9._~-]+(?:\/[A-Za-z0-9._~-]+)*$/.test(options.basePath)) {
    throw new TypeError(`domain.basePath ${JSON.stringify(options.basePath)} is not a valid API mapping key`);
  }
  const domain = new CfnDomainName(scope, 'DomainName', {
    domainName: options.domainName,
    domainNameConfigurations: [
      {
        certificateArn: options.certificate.certificateArn,
        endpointType: 'REGIONAL',
        securityPolicy: 'TLS_1_2',
      },
    ],
  });
  const mapping = new CfnApiMapping(scope, 'ApiMapping', {
    apiId: target.apiId,
    domainName: domain.ref,
    stage: target.stageName,
    ...(options.basePath === undefined ? {} : { apiMappingKey: options.basePath }),
  });
  // The stage must exist before it is mapped.
  mapping.node.addDependency(target.stage);
  if (options.hostedZone) {
    new ARecord(scope, 'DomainAlias', {
      zone: options.hostedZone,
      recordName: options.domainName,
      target: RecordTarget.fromAlias(
        new ApiGatewayv2DomainProperties(domain.attrRegionalDomainName, domain.attrRegionalHostedZoneId),
      ),
    });
  }
  const path = options.basePath === undefined ? '' : `/${options.basePath}`;
  return { domain, mapping, url: `wss://${options.domainName}${path}` };
}
