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
  /**
   * Zone-redundant premium (SSD) file shares. Source: "Azure Files zone-redundant storage for
   * premium file shares" (learn.microsoft.com/azure/storage/files/redundancy-premium-file-shares,
   * read 2026-11-30); only regions listed in every language version of that page, so a class never
   * asks for ZRS where a newer or older copy of the page says it is missing. Zone-redundant
   * managed disks need only `zones` (available in every region with availability zones).
   */
  readonly premiumFilesZrs?: boolean;
  /** Access must be requested (disaster-recovery regions). */
  readonly restricted?: boolean;
}

export const AZURE_REGIONS: Readonly<Record<string, AzureRegion>> = {
  australiacentral: { zones: false },
  australiacentral2: { zones: false, restricted: true },
  australiaeast: { zones: true, premiumFilesZrs: true },
  australiasoutheast: { zones: false },
  austriaeast: { zones: true },
  belgiumcentral: { zones: true },
  brazilsouth: { zones: true, premiumFilesZrs: true },
  brazilsoutheast: { zones: false, restricted: true },
  canadacentral: { zones: true, premiumFilesZrs: true },
  canadaeast: { zones: false },
  centralindia: { zones: true, premiumFilesZrs: true },
  centralus: { zones: true },
  chilecentral: { zones: true },
  eastasia: { zones: true, premiumFilesZrs: true },
  eastus: { zones: true, premiumFilesZrs: true },
  eastus2: { zones: true, premiumFilesZrs: true },
  francecentral: { zones: true, premiumFilesZrs: true },
  francesouth: { zones: false, restricted: true },
  germanynorth: { zones: false, restricted: true },
  germanywestcentral: { zones: true, premiumFilesZrs: true },
  indonesiacentral: { zones: true },
  israelcentral: { zones: true, premiumFilesZrs: true },
  italynorth: { zones: true, premiumFilesZrs: true },
  japaneast: { zones: true, premiumFilesZrs: true },
  japanwest: { zones: true },
  koreacentral: { zones: true, premiumFilesZrs: true },
  koreasouth: { zones: false },
  malaysiawest: { zones: true },
  mexicocentral: { zones: true },
  newzealandnorth: { zones: true },
  northcentralus: { zones: false },
  northeurope: { zones: true, premiumFilesZrs: true },
  norwayeast: { zones: true, premiumFilesZrs: true },
  norwaywest: { zones: false, restricted: true },
  polandcentral: { zones: true, premiumFilesZrs: true },
  qatarcentral: { zones: true, premiumFilesZrs: true },
  southafricanorth: { zones: true, premiumFilesZrs: true },
  southafricawest: { zones: false, restricted: true },
  southcentralus: { zones: true, premiumFilesZrs: true },
  southeastasia: { zones: true, premiumFilesZrs: true },
  southindia: { zones: false },
  spaincentral: { zones: true },
  swedencentral: { zones: true, premiumFilesZrs: true },
  switzerlandnorth: { zones: true, premiumFilesZrs: true },
  switzerlandwest: { zones: false, restricted: true },
  uaecentral: { zones: false, restricted: true },
  uaenorth: { zones: true, premiumFilesZrs: true },
  uksouth: { zones: true, premiumFilesZrs: true },
  ukwest: { zones: false },
  westcentralus: { zones: false },
  westeurope: { zones: true, premiumFilesZrs: true },
  westindia: { zones: false },
  westus: { zones: false },
  westus2: { zones: true, premiumFilesZrs: true },
  westus3: { zones: true, premiumFilesZrs: true },
};
