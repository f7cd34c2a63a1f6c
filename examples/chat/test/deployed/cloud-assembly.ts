import { readFileSync } from 'node:fs';
import { join } from 'node:path';

type Resource = { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, unknown> };

/** The parts of a synthesized chat stack the deployed-bundle test runs: read from cdk.out, never assumed. */
export interface SynthesizedChat {
  template: { Resources: Record<string, Resource> };
  /** The bundled `index.js` of a function, by the logical-id prefix of its resource. */
  bundle(logicalIdPrefix: string): { file: string; handler: string; environment: Record<string, unknown> };
  /** The API's route keys, and those with a route response. */
  routes: { keys: string[]; twoWay: string[] };
  stageName: string;
}

/** Reads the one CloudFormation stack of a cloud assembly. */
export function readAssembly(outdir: string): SynthesizedChat {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string; properties?: { templateFile?: string; file?: string } }>;
  };
  const assetManifests = Object.values(manifest.artifacts).filter((a) => a.type === 'cdk:asset-manifest');
  // What the CLI uploads: each file asset's source directory, by the S3 key the template names.
  const assetDirs = new Map<string, string>();
  for (const artifact of assetManifests) {
    const assets = JSON.parse(readFileSync(join(outdir, artifact.properties?.file ?? ''), 'utf8')) as {
      files: Record<string, { source: { path: string; packaging?: string } }>;
    };
    for (const [hash, asset] of Object.entries(assets.files)) {
      if (asset.source.packaging === 'zip') assetDirs.set(`${hash}.zip`, join(outdir, asset.source.path));
    }
  }
  const stacks = Object.values(manifest.artifacts).filter((a) => a.type === 'aws:cloudformation:stack');
  if (stacks.length !== 1) throw new Error(`expected one stack in ${outdir}, found ${stacks.length}`);
  const template = JSON.parse(
    readFileSync(join(outdir, stacks[0]?.properties?.templateFile ?? ''), 'utf8'),
  ) as SynthesizedChat['template'];
  const entries = Object.entries(template.Resources);
  const one = (type: string, prefix = '') => {
    const found = entries.filter(([id, r]) => r.Type === type && id.startsWith(prefix));
    if (found.length !== 1) throw new Error(`expected one ${type} ${prefix}, found ${found.length}`);
    return found[0] as [string, Resource];
  };
  const routes = entries.filter(([, r]) => r.Type === 'AWS::ApiGatewayV2::Route');
  const keyOf = new Map(routes.map(([id, r]) => [id, String(r.Properties.RouteKey)]));
  const twoWay = entries
    .filter(([, r]) => r.Type === 'AWS::ApiGatewayV2::RouteResponse')
    .map(([, r]) => keyOf.get((r.Properties.RouteId as { Ref: string }).Ref) ?? '?');
  return {
    template,
    bundle(prefix) {
      const [, fn] = one('AWS::Lambda::Function', prefix);
      const key = String((fn.Properties.Code as { S3Key?: unknown }).S3Key);
      const dir = assetDirs.get(key);
      if (dir === undefined) throw new Error(`${prefix}: no zip asset for ${key} in the assembly`);
      const [file, handler] = String(fn.Properties.Handler).split('.');
      return {
        file: join(dir, `${file}.js`),
        handler: String(handler),
        environment: (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables,
      };
    },
    routes: { keys: [...keyOf.values()].sort(), twoWay: twoWay.sort() },
    stageName: String(one('AWS::ApiGatewayV2::Stage')[1].Properties.StageName),
  };
}
