import {
  runtimeProblem,
  samEsbuildArguments,
  secretEnvironmentProblems,
  type Template,
} from '@wsapp/testing/sam';
import { describe, expect, it } from 'vitest';

// Small templates written for each check; the examples' own templates are checked in their tests.
const fn = (properties: Record<string, unknown>, metadata?: Record<string, unknown>) => ({
  Type: 'AWS::Serverless::Function',
  Properties: { CodeUri: '.', Handler: 'websocket.handler', ...properties },
  ...(metadata === undefined ? {} : { Metadata: metadata }),
});

describe('runtimeProblem', () => {
  it('accepts nodejs24.x and nodejs22.x only, naming the deprecation of older ones', () => {
    expect(runtimeProblem('nodejs24.x')).toBeUndefined();
    expect(runtimeProblem('nodejs22.x')).toBeUndefined();
    expect(runtimeProblem('nodejs20.x')).toBe(
      'Runtime nodejs20.x is deprecated by AWS Lambda (nodejs20.x since 2026-04-30; older ones before): use nodejs24.x or nodejs22.x',
    );
    expect(runtimeProblem('nodejs18.x')).toMatch(/^Runtime nodejs18.x is deprecated by AWS Lambda/);
    expect(runtimeProblem('nodejs26.x')).toBe(
      'Runtime nodejs26.x is not one wsapp supports: use nodejs24.x or nodejs22.x',
    );
    expect(runtimeProblem('python3.13')).toMatch(/not one wsapp supports/);
    expect(runtimeProblem(undefined)).toMatch(/Runtime undefined is not one wsapp supports/);
  });
});

describe('secretEnvironmentProblems', () => {
  it('refuses a NoEcho or secret-named parameter flowing into the environment, through Ref, Sub and If', () => {
    const t: Template = {
      Parameters: {
        RedisUrl: { Type: 'String', NoEcho: true },
        TokenSecret: { Type: 'String' },
        ApiPassword: { Type: 'String' },
        StageName: { Type: 'String' },
      },
      Conditions: { UseRedis: {} },
      Globals: {
        Function: {
          Environment: {
            Variables: { REDIS: { 'Fn::If': ['UseRedis', { Ref: 'RedisUrl' }, { Ref: 'AWS::NoValue' }] } },
          },
        },
      },
      Resources: {
        Fn: fn({
          Environment: {
            Variables: {
              SIGNING: { Ref: 'TokenSecret' },
              DSN: { 'Fn::Sub': `postgres://app:$\{ApiPassword}@db/$\{StageName}` },
              STAGE: { Ref: 'StageName' },
            },
          },
        }),
      },
    };
    expect(secretEnvironmentProblems(t)).toEqual([
      'Fn: environment variable REDIS takes the NoEcho parameter RedisUrl, stored in plain text in the function configuration: keep it in Secrets Manager or SSM, pass its ARN, and read it at run time',
      'Fn: environment variable SIGNING takes the parameter TokenSecret, stored in plain text in the function configuration: keep it in Secrets Manager or SSM, pass its ARN, and read it at run time',
      'Fn: environment variable DSN takes the parameter ApiPassword, stored in plain text in the function configuration: keep it in Secrets Manager or SSM, pass its ARN, and read it at run time',
    ]);
  });

  it('refuses dynamic references to secrets and variables named for a secret', () => {
    const t: Template = {
      Resources: {
        Fn: fn({
          Environment: {
            Variables: {
              KEY: '{{resolve:secretsmanager:prod/key:SecretString:key}}',
              DB: { 'Fn::Sub': '{{resolve:ssm-secure:/db/password}}' },
              SESSION_SECRET: 'literal-key-0123456789',
              API_KEY_PARAMETER: '/app/api-key',
            },
          },
        }),
      },
    };
    expect(secretEnvironmentProblems(t)).toEqual([
      'Fn: environment variable KEY resolves a secret at deploy time into plain text: pass the secret’s ARN and read it at run time',
      'Fn: environment variable DB resolves a secret at deploy time into plain text: pass the secret’s ARN and read it at run time',
      'Fn: environment variable SESSION_SECRET is named for a secret: hold the secret’s location instead (SESSION_SECRET_ARN)',
    ]);
  });

  it('wants GetSecretValue, and nothing more, on the secret each …_SECRET_ARN names', () => {
    const secret = { Type: 'AWS::SecretsManager::Secret', Properties: {} };
    const env = { Environment: { Variables: { SESSION_SECRET_ARN: { Ref: 'Key' } } } };
    const allow = (Action: unknown) => ({
      Statement: [{ Effect: 'Allow', Action, Resource: { Ref: 'Key' } }],
    });
    const template = (policies: unknown[]): Template => ({
      Resources: { Key: secret, Fn: fn({ ...env, Policies: policies }) },
    });
    expect(secretEnvironmentProblems(template([allow('secretsmanager:GetSecretValue')]))).toEqual([]);
    expect(
      secretEnvironmentProblems(
        template([{ 'Fn::If': ['C', allow('secretsmanager:GetSecretValue'), { Ref: 'AWS::NoValue' }] }]),
      ),
    ).toEqual([]);
    expect(secretEnvironmentProblems(template([]))).toEqual([
      'Fn: SESSION_SECRET_ARN names Key, but no policy statement allows secretsmanager:GetSecretValue on it',
    ]);
    expect(
      secretEnvironmentProblems(
        template([allow(['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'])]),
      ),
    ).toEqual(['Fn: only secretsmanager:GetSecretValue is needed on Key, not secretsmanager:PutSecretValue']);
    expect(secretEnvironmentProblems(template([allow('secretsmanager:*')]))).toEqual([
      'Fn: SESSION_SECRET_ARN names Key, but no policy statement allows secretsmanager:GetSecretValue on it',
      'Fn: only secretsmanager:GetSecretValue is needed on Key, not secretsmanager:*',
    ]);
  });
});

describe('samEsbuildArguments', () => {
  it('derives the command line as sam build does: PascalCase keys to flags, defaults when absent', () => {
    const t: Template = {
      Resources: {
        Fn: fn(
          {},
          {
            BuildMethod: 'esbuild',
            BuildProperties: {
              EntryPoints: ['deploy/websocket.ts'],
              Format: 'cjs',
              Target: 'node24',
              External: ['@aws-sdk/*'],
              Supported: ['dynamic-import=false'],
              MainFields: 'module,main',
              Sourcemap: true,
              Minify: false,
            },
          },
        ),
        Bare: fn({}, { BuildMethod: 'esbuild', BuildProperties: { EntryPoints: ['app.ts'] } }),
      },
    };
    expect(samEsbuildArguments(t, 'Fn', '/out')).toEqual([
      'deploy/websocket.ts',
      '--bundle',
      '--platform=node',
      '--outdir=/out',
      '--format=cjs',
      '--target=node24',
      '--external:@aws-sdk/*',
      '--supported:dynamic-import=false',
      '--main-fields=module,main',
      '--sourcemap',
    ]);
    // aws-lambda-builders' defaults: es2020, cjs, minified.
    expect(samEsbuildArguments(t, 'Bare', '/out')).toEqual([
      'app.ts',
      '--bundle',
      '--platform=node',
      '--outdir=/out',
      '--target=es2020',
      '--format=cjs',
      '--minify',
    ]);
  });
});
