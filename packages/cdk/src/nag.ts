import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** One cdk-nag finding accepted on a construct, with the reason it does not apply. */
export interface NagSuppression {
  /** The rule, e.g. `AwsSolutions-IAM5`. */
  readonly id: string;
  /** Why the finding is accepted (shown in cdk-nag's reports). */
  readonly reason: string;
  /** Only these findings of a rule that reports several (`Resource::…`, `Policy::…`), as cdk-nag names them. */
  readonly findings?: readonly string[];
}

/**
 * Acknowledges cdk-nag findings with CDK's own `Validations.of(construct).acknowledge()` (what
 * cdk-nag 3 reads), so the construct needs no dependency on cdk-nag while every acknowledgment and
 * its justification sits next to the resource it concerns.
 */
export function suppressNag(construct: IConstruct, suppressions: readonly NagSuppression[]): void {
  const validations = Validations.of(construct);
  for (const { id, reason, findings } of suppressions) {
    if (findings === undefined) validations.acknowledge({ id, reason });
    else for (const finding of findings) validations.acknowledge({ id: `${id}[${finding}]`, reason });
  }
}

/**
 * How cdk-nag names a policy resource in a finding (`Resource::arn:<AWS::Partition>:…:<LogicalId>/…`):
 * the value resolved in `scope`'s stack, `Fn::Join` concatenated, `Ref` written `<Name>` and
 * `Fn::GetAtt` written `<Name.Attribute>`.
 */
export function nagResourceName(scope: IConstruct, value: string): string {
  const text = (resolved: unknown): string => {
    if (typeof resolved === 'string') return resolved;
    const node = resolved as Record<string, unknown>;
    if (typeof node.Ref === 'string') return `<${node.Ref}>`;
    const getAtt = node['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `<${getAtt.join('.')}>`;
    const join = node['Fn::Join'];
    if (Array.isArray(join)) return (join[1] as unknown[]).map(text).join(join[0] as string);
    throw new TypeError(`cannot name ${JSON.stringify(resolved)} as cdk-nag does`);
  };
  return `Resource::${text(Stack.of(scope).resolve(value))}`;
}
