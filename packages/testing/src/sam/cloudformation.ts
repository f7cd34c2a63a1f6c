import { readFileSync } from 'node:fs';
import { type CollectionTag, parseDocument, type ScalarTag, type YAMLMap, type YAMLSeq } from 'yaml';

/** A CloudFormation template as parsed: short-form tags become their long forms (`{ "Fn::Sub": … }`). */
export interface Template {
  /** `2010-09-09` when present. */
  AWSTemplateFormatVersion?: string;
  /** `AWS::Serverless-2016-10-31` for SAM templates. */
  Transform?: string | string[];
  /** Parameters by name. */
  Parameters?: Record<string, Parameter>;
  /** Conditions by name. */
  Conditions?: Record<string, unknown>;
  /** SAM `Globals` (only `Function` is read). */
  Globals?: {
    /** Properties every `AWS::Serverless::Function` gets. */
    Function?: Record<string, unknown>;
  };
  /** Resources by logical id. */
  Resources: Record<string, Resource>;
  /** Outputs by name. */
  Outputs?: Record<string, unknown>;
}

/** One parameter of a template. */
export interface Parameter {
  /** `String`, `Number`, … */
  Type: string;
  /** The default value. */
  Default?: unknown;
  /** The values it may take. */
  AllowedValues?: unknown[];
  /** Whether the value is masked. */
  NoEcho?: boolean;
}

/** One resource of a template. */
export interface Resource {
  /** `AWS::ApiGatewayV2::Api`, `AWS::Serverless::Function`, … */
  Type: string;
  /** The condition it is created under. */
  Condition?: string;
  /** Logical ids it is created after. */
  DependsOn?: string | string[];
  /** Tool metadata (SAM's `BuildMethod`, `BuildProperties`). */
  Metadata?: Record<string, unknown>;
  /** Its properties. */
  Properties?: Record<string, unknown>;
}

const FUNCTIONS = [
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'And',
  'Equals',
  'If',
  'Not',
  'Or',
  'Transform',
];

/** `!Ref`, `!Condition`, `!GetAtt` and every `!Fn` short form, as scalars, sequences and mappings. */
function cloudFormationTags(): Array<ScalarTag | CollectionTag> {
  const collection = (key: string) => (node: YAMLMap.Parsed | YAMLSeq.Parsed) => ({ [key]: node.toJSON() });
  const tags: Array<ScalarTag | CollectionTag> = [
    { tag: '!Ref', resolve: (value: string) => ({ Ref: value }) },
    { tag: '!Condition', resolve: (value: string) => ({ Condition: value }) },
    { tag: '!GetAtt', resolve: (value: string) => ({ 'Fn::GetAtt': splitGetAtt(value) }) },
    { tag: '!GetAtt', collection: 'seq', resolve: collection('Fn::GetAtt') },
  ];
  for (const name of FUNCTIONS) {
    const key = `Fn::${name}`;
    tags.push(
      { tag: `!${name}`, resolve: (value: string) => ({ [key]: value }) },
      { tag: `!${name}`, collection: 'seq', resolve: collection(key) },
      { tag: `!${name}`, collection: 'map', resolve: collection(key) },
    );
  }
  return tags;
}

function splitGetAtt(value: string): string[] {
  const dot = value.indexOf('.');
  return dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
}

/** Parses a CloudFormation / SAM template file; unknown tags and YAML errors throw. */
export function loadTemplate(path: string | URL): Template {
  const doc = parseDocument(readFileSync(path, 'utf8'), { customTags: cloudFormationTags() });
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) throw new Error(problems.map((p) => p.message).join('\n'));
  return doc.toJS() as Template;
}

/** Logical ids of the resources of one type. */
export function resourcesOfType(template: Template, type: string): string[] {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([id]) => id);
}

/** Whether `value` is `{ Ref: id }`. */
export function isRef(value: unknown, id: string): boolean {
  return typeof value === 'object' && value !== null && (value as { Ref?: unknown }).Ref === id;
}

/** The template string of a `Fn::Sub` (short or list form), or `undefined`. */
export function subTemplate(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !('Fn::Sub' in value)) return undefined;
  const sub = (value as { 'Fn::Sub': unknown })['Fn::Sub'];
  if (typeof sub === 'string') return sub;
  return Array.isArray(sub) && typeof sub[0] === 'string' ? sub[0] : undefined;
}
