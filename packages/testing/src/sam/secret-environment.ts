import type { Template } from './cloudformation.js';

/** Names that hold a secret, unless they hold where the secret is (`…Arn`, `…_NAME`, …). */
const SECRET_WORD = /secret|passw(or)?d|token|credential|private_?key|api_?key/i;
const LOCATION_SUFFIX = /(arn|name|id|parameter)$/i;
const DYNAMIC_SECRET = /\{\{resolve:(secretsmanager|ssm-secure):/;

const looksSecret = (name: string) =>
  SECRET_WORD.test(name.replaceAll('-', '_')) && !LOCATION_SUFFIX.test(name);

/** Every `Ref` target and every string literal inside an intrinsic value (`Fn::If`, `Fn::Sub`, …). */
function walk(value: unknown, refs: Set<string>, literals: string[]): void {
  if (typeof value === 'string') literals.push(value);
  else if (Array.isArray(value)) for (const item of value) walk(item, refs, literals);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string') refs.add(inner);
      else if (key === 'Fn::Sub') {
        const text = Array.isArray(inner) ? inner[0] : inner;
        if (typeof text === 'string') {
          for (const match of text.matchAll(/\$\{([A-Za-z0-9:]+)\}/g)) refs.add(match[1] as string);
        }
        walk(inner, refs, literals);
      } else if (key === 'Condition' && typeof inner === 'string') {
        // `{ Condition: name }` inside Fn::And/Or/Not names a condition, not a value.
      } else walk(inner, refs, literals);
    }
  }
}

type Variables = Record<string, unknown>;
const variablesOf = (environment: unknown): Variables =>
  ((environment as { Variables?: Variables } | undefined)?.Variables ?? {}) as Variables;

/** Policy statements of a SAM function, both branches of each `Fn::If` included. */
function statements(policies: unknown): Array<Record<string, unknown>> {
  const found: Array<Record<string, unknown>> = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) for (const item of node) visit(item);
    else if (typeof node === 'object' && node !== null) {
      const record = node as Record<string, unknown>;
      if ('Fn::If' in record && Array.isArray(record['Fn::If'])) {
        for (const branch of (record['Fn::If'] as unknown[]).slice(1)) visit(branch);
      } else if ('Statement' in record) visit(record.Statement);
      else if ('Effect' in record) found.push(record);
    }
  };
  visit(policies);
  return found;
}

const covers = (resource: unknown, ref: string): boolean =>
  [resource].flat().some((r) => typeof r === 'object' && r !== null && (r as { Ref?: unknown }).Ref === ref);

/**
 * Secrets that would land in a function's environment, as readable lines (empty when there are
 * none). Lambda stores environment variables in its configuration, readable by anyone allowed
 * `lambda:GetFunctionConfiguration` and printed by every tool that shows the function: a secret
 * belongs in Secrets Manager (or SSM Parameter Store), the environment holds only its ARN, and the
 * function reads it at run time (`secretReader` from `@wsapp/core/secrets`).
 *
 * Refused, in the `Globals` and each function's `Environment.Variables`: a `NoEcho` parameter or a
 * parameter named like a secret (`…Secret`, `…Password`, `…Token`, `…ApiKey`; `…Arn`/`…Name` are
 * locations, not secrets) flowing into a variable, through `!Ref`, `!Sub`, `!If` or `!Join`; a
 * `{{resolve:secretsmanager:…}}` or `{{resolve:ssm-secure:…}}` dynamic reference (resolved at deploy
 * time into plain text); a variable named like a secret (`TOKEN_SECRET`) rather than its location
 * (`TOKEN_SECRET_ARN`). For every `…_SECRET_ARN` variable of an `AWS::Serverless::Function`, its
 * policies must allow `secretsmanager:GetSecretValue` on that secret and no other Secrets Manager
 * action on it.
 */
export function secretEnvironmentProblems(t: Template): string[] {
  const problems: string[] = [];
  const parameters = t.Parameters ?? {};
  const globals = variablesOf(t.Globals?.Function?.Environment);
  for (const [id, resource] of Object.entries(t.Resources)) {
    const serverless = resource.Type === 'AWS::Serverless::Function';
    if (!serverless && resource.Type !== 'AWS::Lambda::Function') continue;
    const own = variablesOf(resource.Properties?.Environment);
    const variables = serverless ? { ...globals, ...own } : own;
    const policy = serverless ? statements(resource.Properties?.Policies) : [];
    for (const [name, value] of Object.entries(variables)) {
      const refs = new Set<string>();
      const literals: string[] = [];
      walk(value, refs, literals);
      for (const ref of refs) {
        const parameter = parameters[ref];
        if (parameter === undefined) continue;
        if (parameter.NoEcho === true || looksSecret(ref)) {
          problems.push(
            `${id}: environment variable ${name} takes the ${parameter.NoEcho === true ? 'NoEcho ' : ''}parameter ${ref}, ` +
              'stored in plain text in the function configuration: keep it in Secrets Manager or SSM, ' +
              'pass its ARN, and read it at run time',
          );
        }
      }
      if (literals.some((text) => DYNAMIC_SECRET.test(text))) {
        problems.push(
          `${id}: environment variable ${name} resolves a secret at deploy time into plain text: ` +
            'pass the secret’s ARN and read it at run time',
        );
      }
      if (looksSecret(name)) {
        problems.push(
          `${id}: environment variable ${name} is named for a secret: hold the secret’s location instead (${name}_ARN)`,
        );
      }
      if (serverless && name.endsWith('_SECRET_ARN')) {
        for (const ref of refs) {
          if (ref === 'AWS::NoValue') continue;
          const onIt = policy.filter((s) => covers(s.Resource, ref));
          const actions = onIt.flatMap((s) => [s.Action].flat().map(String));
          if (
            !onIt.some(
              (s) => s.Effect === 'Allow' && [s.Action].flat().includes('secretsmanager:GetSecretValue'),
            )
          ) {
            problems.push(
              `${id}: ${name} names ${ref}, but no policy statement allows secretsmanager:GetSecretValue on it`,
            );
          }
          const more = actions.filter((a) => a !== 'secretsmanager:GetSecretValue');
          if (more.length > 0) {
            problems.push(
              `${id}: only secretsmanager:GetSecretValue is needed on ${ref}, not ${more.join(', ')}`,
            );
          }
        }
      }
    }
  }
  return problems;
}
