/**
 * The AKS Kubernetes release calendar: the window in which a minor version is supported
 * (community support, 12 months from AKS GA; long-term support is a Premium-tier add-on the
 * platform does not buy, so it is not counted).
 *
 * Source: "Supported Kubernetes versions in AKS" (MicrosoftDocs/azure-aks-docs,
 * articles/aks/supported-kubernetes-versions.md, "AKS Kubernetes release calendar", read at
 * commit fb060abe of 2026-08-21 on 2026-11-30; 1.29 to 1.31 from its LTS table, which keeps
 * their community end of life). A month means its last day, as the page says.
 * Add each new version when AKS announces it; the validation compares with the current date.
 */
export const AKS_VERSIONS_AS_OF = '2026-11-30';
export const AKS_VERSIONS_SOURCE = 'https://learn.microsoft.com/azure/aks/supported-kubernetes-versions';

export interface AksVersion {
  /** First day of general availability (YYYY-MM-DD). */
  readonly ga: string;
  /** Last day of community support (YYYY-MM-DD). */
  readonly endOfLife: string;
}

export const AKS_VERSIONS: Readonly<Record<string, AksVersion>> = {
  '1.29': { ga: '2024-03-01', endOfLife: '2025-03-31' },
  '1.30': { ga: '2024-07-01', endOfLife: '2025-08-22' },
  '1.31': { ga: '2024-11-01', endOfLife: '2025-11-01' },
  '1.32': { ga: '2025-04-01', endOfLife: '2026-03-31' },
  '1.33': { ga: '2025-06-01', endOfLife: '2026-07-31' },
  '1.34': { ga: '2025-11-01', endOfLife: '2026-11-30' },
  '1.35': { ga: '2026-03-01', endOfLife: '2027-03-31' },
  '1.36': { ga: '2026-06-01', endOfLife: '2027-06-30' },
  '1.37': { ga: '2026-10-01', endOfLife: '2027-10-31' },
};

/** Versions supported on `date` (YYYY-MM-DD), oldest first. */
export function supportedAksVersions(date: string): string[] {
  return Object.entries(AKS_VERSIONS)
    .filter(([, v]) => v.ga <= date && date <= v.endOfLife)
    .map(([k]) => k)
    .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
}
