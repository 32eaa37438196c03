/**
 * What the restore drill (scripts/restore-drill.sh) works on in one environment, derived from the
 * validated environment file and the naming convention the stacks use, printed as KEY=VALUE lines
 * that the pipelines append to their environment ($GITHUB_ENV, or one task variable each in Azure
 * DevOps). Nothing secret: names, the RTO target and the databases to check.
 *
 *   node --import tsx scripts/restore-drill-plan.ts <env>
 */
import { loadEnvironment } from '../config/load';
import { Naming } from '../catalog/naming';
import { environmentDatabases } from '../stacks/data-stack';
import { PRIVATE_DNS_ZONES } from '../constructs/network';

/** The class whose RTO a PostgreSQL restore is measured against: the platform's own databases. */
export const DRILL_CLASS = 'platformDatabases';

export function drillPlan(envName: string): Record<string, string> {
  const env = loadEnvironment(envName);
  const naming = new Naming({ project: env.project, env: env.name, location: env.location, uniquenessSeed: env.subscriptionId });
  const target = env.data.recovery?.[DRILL_CLASS];
  if (!target) throw new Error(`${envName}: data.recovery.${DRILL_CLASS} is not set; the drill has no RTO to measure against`);
  return {
    DRILL_RESOURCE_GROUP: naming.name('resourceGroup', 'data'),
    DRILL_SOURCE_SERVER: naming.name('postgresqlFlexibleServer'),
    DRILL_NETWORK_RESOURCE_GROUP: naming.name('resourceGroup', 'network'),
    DRILL_VNET: naming.name('virtualNetwork'),
    DRILL_SUBNET: naming.name('subnet', 'private-endpoints'),
    DRILL_DNS_ZONE: PRIVATE_DNS_ZONES.postgres,
    DRILL_RTO_MINUTES: String(target.rtoMinutes),
    // What the data stack creates here, the tenant vector stores' database included.
    DRILL_DATABASES: environmentDatabases(env).join(' '),
  };
}

if (require.main === module) {
  const envName = process.argv[2];
  if (!envName) {
    process.stderr.write('usage: restore-drill-plan.ts <env>\n');
    process.exit(2);
  }
  for (const [k, v] of Object.entries(drillPlan(envName))) process.stdout.write(`${k}=${v}\n`);
}
