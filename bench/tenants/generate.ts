/** Writes N valid, distinct tenant files into a folder (for benchmarks and scale tests). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function generateTenants(dir: string, count: number): string[] {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `bench-${String(i).padStart(4, '0')}`;
    const hex = i.toString(16).padStart(12, '0');
    const file = join(dir, `${name}.yaml`);
    writeFileSync(
      file,
      `apiVersion: platform.example.org/v1alpha1
kind: Tenant
metadata:
  name: ${name}
spec:
  displayName: Benchmark tenant ${i}
  owners:
    entraGroupObjectId: 00000000-0000-4000-8000-${hex}
    contacts: [team-${i}@bench.example]
    reviewers: ["@bench/team-${i}"]
  costCenter: CC-${1000 + i}
  environments: [dev, prod]
  budget: { monthly: ${500 + (i % 10) * 100}, currency: EUR, alertThresholds: [80, 90, 100] }
  quota: { cpu: "${2 + (i % 8)}", memory: ${8 + (i % 8) * 4}Gi, gpu: ${i % 3 === 0 ? 1 : 0}, pods: 50, storage: 50Gi }
  llm: { models: [llama-3-1-8b-instruct], tokensPerMinute: 10000, requestsPerMinute: 30, monthlyBudget: 100 }
  gitops: { repoURLs: ["https://github.com/bench/team-${i}"], path: k8s }
  network: { allowEgressTo: ["api.team-${i}.example:443", "203.0.113.0/24:5432"] }
`,
    );
    files.push(file);
  }
  return files;
}
