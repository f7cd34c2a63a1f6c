import type { Template } from './cloudformation.js';

/** What stands in for the template's parameters and resources when {@link functionEnvironment} resolves. */
export interface StackValues {
  /** Parameter values; a parameter left out takes its `Default`. */
  parameters?: Record<string, string>;
  /** What `!Ref <logical id>` (or `${id}` in a `!Sub`) of each resource resolves to. */
  resources?: Record<string, string>;
  /** Pseudo parameters (`AWS::Region`, …) and `${Resource.Attribute}` values, by name. */
  others?: Record<string, string>;
}

const NO_VALUE = Symbol('AWS::NoValue');

/**
 * The environment variables a SAM function gets once deployed (`Globals` merged with its own),
 * each `!Ref`, `!If`, `!Sub`, `!Join`, `!Equals`, `!Not`, `!And`, `!Or` evaluated against `values`;
 * variables that resolve to `AWS::NoValue` are left out, and a reference `values` does not cover
 * throws, naming it. For tests that run a function's built code with the environment the template
 * gives it (see {@link buildSamFunction}).
 */
export function functionEnvironment(
  t: Template,
  logicalId: string,
  values: StackValues,
): Record<string, string> {
  const resource = t.Resources[logicalId];
  if (resource === undefined) throw new Error(`no resource ${logicalId}`);
  const variables = {
    ...((t.Globals?.Function?.Environment as { Variables?: Record<string, unknown> } | undefined)
      ?.Variables ?? {}),
    ...((resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
      ?.Variables ?? {}),
  };
  const lookup = (name: string): string => {
    const given = values.parameters?.[name] ?? values.resources?.[name] ?? values.others?.[name];
    if (given !== undefined) return given;
    const parameter = t.Parameters?.[name];
    if (parameter?.Default !== undefined) return String(parameter.Default);
    throw new Error(`${logicalId}: no value for ${name}`);
  };
  const condition = (name: string): boolean => Boolean(evaluate(t.Conditions?.[name]));
  const evaluate = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    if (Array.isArray(value)) return value.map(evaluate);
    const [key, arg] = Object.entries(value)[0] ?? [];
    const args = Array.isArray(arg) ? arg : [arg];
    switch (key) {
      case 'Ref':
        return arg === 'AWS::NoValue' ? NO_VALUE : lookup(String(arg));
      case 'Condition':
        return condition(String(arg));
      case 'Fn::If':
        return evaluate(condition(String(args[0])) ? args[1] : args[2]);
      case 'Fn::Equals':
        return String(evaluate(args[0])) === String(evaluate(args[1]));
      case 'Fn::Not':
        return !evaluate(args[0]);
      case 'Fn::And':
        return args.every((a) => Boolean(evaluate(a)));
      case 'Fn::Or':
        return args.some((a) => Boolean(evaluate(a)));
      case 'Fn::Join':
        return ([evaluate(args[1])].flat() as unknown[]).map(String).join(String(args[0]));
      case 'Fn::Sub': {
        const local = (typeof args[1] === 'object' && args[1] !== null ? args[1] : {}) as Record<
          string,
          unknown
        >;
        return String(args[0]).replace(/\$\{([^}]+)\}/g, (_, name: string) =>
          name in local ? String(evaluate(local[name])) : lookup(name),
        );
      }
      default:
        throw new Error(`${logicalId}: ${String(key)} is not evaluated here`);
    }
  };
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables)) {
    const resolved = evaluate(value);
    if (resolved !== NO_VALUE) environment[name] = String(resolved);
  }
  return environment;
}
