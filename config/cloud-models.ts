/**
 * Which cloud models (Azure OpenAI deployments) an environment has: those its tenants are
 * entitled to, plus those its environment file lists under `azureOpenAI.models`. One function,
 * so the data stack that creates the deployments and the router config that calls them can
 * never disagree.
 */
import { join } from 'node:path';
import { EU_REGIONS } from '../catalog/data-boundary';
import { isCloudModel, type CloudModel, type ModelCatalogue } from './models';
import type { EnvironmentConfig } from './schema';
import type { Tenant } from './tenant-schema';
import { positionOf, type Problem } from './yaml-validate';

export interface CloudModels {
  /** Region of the Azure OpenAI account. */
  readonly location: string;
  /** Sorted by id; empty: the environment has no account. */
  readonly models: CloudModel[];
}

export function cloudModelsFor(env: Pick<EnvironmentConfig, 'name' | 'location' | 'azureOpenAI'>, tenants: readonly Tenant[], catalogue: ModelCatalogue): CloudModels {
  const wanted = new Set(env.azureOpenAI.models);
  for (const t of tenants) {
    // A retired tenant's stacks declare nothing; its entitlements must not keep a deployment alive.
    if (!t.spec.environments.includes(env.name) || t.spec.retired) continue;
    for (const m of t.spec.llm?.models ?? []) wanted.add(m);
  }
  const models = catalogue.models.filter(isCloudModel).filter((m) => wanted.has(m.id)).sort((a, b) => a.id.localeCompare(b.id));
  return { location: env.azureOpenAI.location ?? env.location, models };
}

/** Environment-file problems: unknown or self-hosted ids in azureOpenAI.models, an account region that cannot hold a deployment's class. */
export function cloudModelProblems(envs: readonly EnvironmentConfig[], tenants: readonly Tenant[], catalogue: ModelCatalogue, dir: string): Problem[] {
  const problems: Problem[] = [];
  const byId = new Map(catalogue.models.map((m) => [m.id, m]));
  const cloudIds = catalogue.models.filter(isCloudModel).map((m) => m.id);
  for (const env of envs) {
    const file = join(dir, `${env.name}.yaml`);
    const at = (path: (string | number)[], message: string, hint: string) => problems.push({ ...positionOf(file, path), path: path.join('.'), message, hint });
    env.azureOpenAI.models.forEach((id, i) => {
      const m = byId.get(id);
      if (!m) at(['azureOpenAI', 'models', i], `unknown model "${id}"`, `cloud models in config/models.yaml: ${cloudIds.join(', ') || 'none'}`);
      else if (!isCloudModel(m)) at(['azureOpenAI', 'models', i], `model ${id} is self-hosted; vLLM serves it, not Azure OpenAI`, 'list it under serving.models in config/workloads.yaml instead');
    });
    const { location, models } = cloudModelsFor(env, tenants, catalogue);
    if (models.length === 0) continue;
    const where = env.azureOpenAI.location ? ['azureOpenAI', 'location'] : ['location'];
    // An unknown region never gets here: the environment schema's guard rails refuse it first.
    const eu = models.filter((m) => m.dataBoundary === 'eu-cloud');
    if (eu.length > 0 && !EU_REGIONS.includes(location)) {
      at(where, `the Azure OpenAI account would be in ${location}, outside the EU, but ${eu.map((m) => m.id).join(', ')} ${eu.length > 1 ? 'are' : 'is'} eu-cloud`, `set azureOpenAI.location to an EU region (catalog/data-boundary.ts EU_REGIONS), e.g. swedencentral`);
    }
  }
  return problems;
}
