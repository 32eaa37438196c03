/**
 * Azure public-cloud regions an environment may name as its `location`, with availability-zone
 * support (zonal node pools, zone-redundant PostgreSQL and Redis need it) and whether access is
 * restricted (granted on request, for disaster recovery within a geography).
 *
 * Source: Microsoft's "Azure regions list" (MicrosoftDocs/reliability-docs,
 * articles/reliability/regions-list.md, ms.date 2025-09-23, read at commit 01021ab8 on
 * 2026-11-30), its "All" table, "Programmatic name" column. Regions marked "coming soon" there
 * are left out until they open. Refresh this list with that page; `asOf` is when it was read.
 */
export const AZURE_REGIONS_AS_OF = '2026-11-30';
export const AZURE_REGIONS_SOURCE = 'https://learn.microsoft.com/azure/reliability/regions-list';

export interface AzureRegion {
  readonly zones: boolean;
  /** Access must be requested (disaster-recovery regions). */
  readonly restricted?: boolean;
}

export const AZURE_REGIONS: Readonly<Record<string, AzureRegion>> = {
  australiacentral: { zones: false },
  australiacentral2: { zones: false, restricted: true },
  australiaeast: { zones: true },
  australiasoutheast: { zones: false },
  austriaeast: { zones: true },
  belgiumcentral: { zones: true },
  brazilsouth: { zones: true },
  brazilsoutheast: { zones: false, restricted: true },
  canadacentral: { zones: true },
  canadaeast: { zones: false },
  centralindia: { zones: true },
  centralus: { zones: true },
  chilecentral: { zones: true },
  eastasia: { zones: true },
  eastus: { zones: true },
  eastus2: { zones: true },
  francecentral: { zones: true },
  francesouth: { zones: false, restricted: true },
  germanynorth: { zones: false, restricted: true },
  germanywestcentral: { zones: true },
  indonesiacentral: { zones: true },
  israelcentral: { zones: true },
  italynorth: { zones: true },
  japaneast: { zones: true },
  japanwest: { zones: true },
  koreacentral: { zones: true },
  koreasouth: { zones: false },
  malaysiawest: { zones: true },
  mexicocentral: { zones: true },
  newzealandnorth: { zones: true },
  northcentralus: { zones: false },
  northeurope: { zones: true },
  norwayeast: { zones: true },
  norwaywest: { zones: false, restricted: true },
  polandcentral: { zones: true },
  qatarcentral: { zones: true },
  southafricanorth: { zones: true },
  southafricawest: { zones: false, restricted: true },
  southcentralus: { zones: true },
  southeastasia: { zones: true },
  southindia: { zones: false },
  spaincentral: { zones: true },
  swedencentral: { zones: true },
  switzerlandnorth: { zones: true },
  switzerlandwest: { zones: false, restricted: true },
  uaecentral: { zones: false, restricted: true },
  uaenorth: { zones: true },
  uksouth: { zones: true },
  ukwest: { zones: false },
  westcentralus: { zones: false },
  westeurope: { zones: true },
  westindia: { zones: false },
  westus: { zones: false },
  westus2: { zones: true },
  westus3: { zones: true },
};
