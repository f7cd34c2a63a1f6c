import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One finding of AWS CloudFormation Validate, as {@link validateTemplate} reports it. */
export interface TemplateDiagnostic {
  /** `FATAL`, `ERROR`, `WARN` or `INFO`. */
  severity: string;
  /** The rule, e.g. `F3002` (unknown property), `F1020` (dangling Ref), `W2531` (deprecated runtime). */
  ruleId: string;
  /** What is wrong. */
  message: string;
  /** The resource's logical id, when the finding is about one. */
  logicalId?: string;
}

interface Engine {
  validateTemplate(
    template: object,
    config?: object,
  ): {
    diagnostics: Array<{
      severity: string;
      ruleId: string;
      message: string;
      entity?: { logicalId?: string };
    }>;
  };
}
interface ValidateModule {
  CompositeEngine: new () => Engine;
  TemplateFile: new (path: string) => object;
}

let engine: Engine | undefined;

/**
 * AWS's own validator, `@aws/cloudformation-validate` (offline; CloudFormation resource schemas, SAM,
 * cfn-lint's rules), in the copy aws-cdk-lib bundles (`aws-cdk-lib` must be installed: an optional
 * peer). The standalone package on the registry lags behind that copy.
 */
function validator(): ValidateModule {
  const require = createRequire(import.meta.url);
  const cdk = dirname(require.resolve('aws-cdk-lib/package.json'));
  return require(join(cdk, 'node_modules', '@aws', 'cloudformation-validate')) as ValidateModule;
}

/**
 * Validates a CloudFormation or SAM template file with AWS CloudFormation Validate and returns its
 * findings of severity `WARN` and above (schema violations, unknown properties, dangling
 * references, deprecated runtimes, …); `INFO` findings are left out. The engine is built once per
 * process (it compiles its rules: seconds) and reused.
 */
export function validateTemplate(path: string | URL): TemplateDiagnostic[] {
  const module = validator();
  engine ??= new module.CompositeEngine();
  const file = typeof path === 'string' ? path : fileURLToPath(path);
  const report = engine.validateTemplate(new module.TemplateFile(file), { detailLevel: 'STANDARD' });
  return report.diagnostics
    .filter((d) => d.severity !== 'INFO')
    .map((d) => ({
      severity: d.severity,
      ruleId: d.ruleId,
      message: d.message,
      ...(d.entity?.logicalId === undefined ? {} : { logicalId: d.entity.logicalId }),
    }));
}
