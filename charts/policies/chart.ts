/**
 * The Gatekeeper policies of one environment as a cdk8s chart: templates first (sync wave -10),
 * constraints after them (wave 0), so Argo CD never applies a constraint before its CRD exists.
 */
import { Construct } from 'constructs';
import { ApiObject, Chart } from 'cdk8s';

export interface GatekeeperPoliciesChartProps {
  /** ConstraintTemplates and constraints, as produced by charts/policies/objects.ts. */
  readonly objects: Record<string, any>[];
}

export class GatekeeperPoliciesChart extends Chart {
  constructor(scope: Construct, id: string, props: GatekeeperPoliciesChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    for (const object of props.objects) {
      const { apiVersion, kind, metadata, ...rest } = object;
      new ApiObject(this, `${kind}-${metadata.name}`, { apiVersion, kind, metadata, ...rest });
    }
  }
}
