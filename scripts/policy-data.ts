/** Regenerates policies/terraform/data/platform.json (run after bumping the azurerm provider). */
import { writeFileSync } from 'node:fs';
import { POLICY_DATA_FILE, renderPolicyData } from '../cli/lib/policy-data';

writeFileSync(POLICY_DATA_FILE, renderPolicyData());
process.stdout.write(`wrote ${POLICY_DATA_FILE}\n`);
