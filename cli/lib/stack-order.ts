/** Deploy order of the stacks in an app: dependencies first, ties broken by name. */
import { App, TerraformStack } from 'cdktf';

export interface StackInfo {
  readonly name: string;
  readonly dependsOn: string[];
}

export function stacksInDeployOrder(app: App): StackInfo[] {
  const stacks = app.node.children.filter((c): c is TerraformStack => TerraformStack.isStack(c));
  const infos = new Map(stacks.map((s) => [s.node.id, { name: s.node.id, dependsOn: s.dependencies.map((d) => d.node.id).sort() }]));
  const ordered: StackInfo[] = [];
  const done = new Set<string>();
  while (done.size < infos.size) {
    const ready = [...infos.values()].filter((s) => !done.has(s.name) && s.dependsOn.every((d) => done.has(d)));
    if (ready.length === 0) throw new Error(`stack dependency cycle among: ${[...infos.keys()].filter((n) => !done.has(n)).join(', ')}`);
    // Take the whole ready wave so environments interleave by layer (all networks, then ...).
    for (const s of ready.sort((a, b) => a.name.localeCompare(b.name))) {
      ordered.push(s);
      done.add(s.name);
    }
  }
  return ordered;
}
