/** Reading PromQL without a parser: the metric names an expression selects. */

const FUNCTIONS_AND_KEYWORDS = new Set([
  'sum', 'max', 'min', 'avg', 'count', 'rate', 'increase', 'irate', 'histogram_quantile', 'label_values', 'by', 'without', 'on', 'ignoring',
  'group_left', 'group_right', 'and', 'or', 'unless', 'clamp_min', 'vector', 'offset', 'bool', 'time', 'round', 'absent_over_time',
  'delta', 'avg_over_time',
]);

/** Metric names a PromQL expression reads (label matchers, ranges, grouping and strings removed). */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/label_values\(([\s\S]*),\s*\w+\)\s*$/, '$1')
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/(?<![A-Za-z0-9_:.])\d+(\.\d+)?(e[+-]?\d+)?/gi, ' ');
  return [...stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)].map((m) => m[0]).filter((t) => !FUNCTIONS_AND_KEYWORDS.has(t) && !/^\d/.test(t));
}

