/** Kubernetes resource quantities ("500m", "32", "128Gi", "1.5T") as numbers for comparison. */

const SUFFIX: Record<string, number> = {
  '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

const PATTERN = /^(\d+(?:\.\d+)?|\.\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

/** The quantity in base units (cores, bytes), or undefined when it is not a valid quantity. */
export function parseQuantity(value: string | number): number | undefined {
  const match = PATTERN.exec(String(value).trim());
  if (!match) return undefined;
  return Number(match[1]) * SUFFIX[match[2] ?? ''];
}

export function isQuantity(value: string | number): boolean {
  return parseQuantity(value) !== undefined;
}
