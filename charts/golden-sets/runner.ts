/**
 * The golden-set runner, Python 3 standard library only: the router's image (which the Job runs)
 * has python3 and nothing else is needed, so no image is built for it. It runs the sets that match
 * the rolled-out target against an OpenAI-compatible base URL, checks every expectation, prints a
 * report, pushes the results as OTLP/HTTP JSON gauges to the OpenTelemetry collector (which
 * remote-writes them to Prometheus) and exits 1 when a set is below its threshold, which fails the
 * Argo Rollouts analysis. Metric names are catalog/golden-sets.ts GOLDEN_SET_METRICS.
 */
import { GOLDEN_SET_METRICS, ROUTER_TARGET } from '../../catalog/golden-sets';

export const RUNNER_FILE = 'runner.py';

export const GOLDEN_SET_RUNNER_PY = String.raw`"""Run golden sets against an OpenAI-compatible endpoint; exit 1 when a set is below its threshold."""
import argparse
import glob
import json
import os
import re
import sys
import time
import urllib.error
import urllib.request
import uuid

ROUTER_TARGET = "${ROUTER_TARGET}"
METRICS = ${JSON.stringify(GOLDEN_SET_METRICS)}
# A decline in the first sentences; the OpenAI 'refusal' field counts too where a server sets it.
REFUSAL = re.compile(
    r"\b(i\s+can(?:'|no)?t|i\s+cannot|i\s+won't|i\s+will\s+not|i'm\s+(?:not\s+able|unable)|i\s+am\s+(?:not\s+able|unable)"
    r"|i\s+must\s+decline|i'm\s+sorry|i\s+am\s+sorry|i\s+apologi[sz]e|(?:can't|cannot|not\s+able\s+to)\s+(?:help|assist|provide|comply))\b"
)


def http_json(method, url, body=None, headers=None, timeout=60):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        raw = response.read()
        return json.loads(raw) if raw else {}


def select(sets, target):
    """The sets and cases a rollout of target runs: the router's sets, or a model's cases of the serving sets."""
    chosen = []
    for s in sets:
        if target == ROUTER_TARGET:
            cases = s["cases"] if s["target"] == ROUTER_TARGET else []
        else:
            cases = [c for c in s["cases"] if s["target"] == "serving" and c["model"] == target]
        if cases:
            chosen.append({**s, "cases": cases})
    return chosen


def answer_json(text):
    """The JSON in an answer: the whole text, a fenced block, or the outermost braces."""
    fenced = re.search(r"` + "```" + String.raw`(?:json)?\s*(.*?)` + "```" + String.raw`", text, re.S)
    candidates = [text.strip()] + ([fenced.group(1).strip()] if fenced else [])
    if "{" in text and "}" in text:
        candidates.append(text[text.index("{"): text.rindex("}") + 1])
    for candidate in candidates:
        try:
            return True, json.loads(candidate)
        except ValueError:
            continue
    return False, None


def schema_errors(value, schema, path="$"):
    """The subset of JSON Schema config/golden-sets.ts admits: type, enum, required, properties, items, additionalProperties false."""
    errors = []
    kind = schema.get("type")
    checks = {
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
        "string": lambda v: isinstance(v, str),
        "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "null": lambda v: v is None,
    }
    if kind and not checks[kind](value):
        return [path + " is not " + kind]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(path + " is not one of " + json.dumps(schema["enum"]))
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                errors.append(path + "." + key + " is missing")
        props = schema.get("properties", {})
        for key, sub in props.items():
            if key in value:
                errors.extend(schema_errors(value[key], sub, path + "." + key))
        if schema.get("additionalProperties") is False:
            errors.extend(path + "." + k + " is not allowed" for k in value if k not in props)
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            errors.extend(schema_errors(item, schema["items"], path + "[" + str(i) + "]"))
    return errors


def evaluate(expect, text, completion_tokens, latency_ms, refusal_field=None):
    """Every expectation the answer misses, as readable reasons (empty: the case passed)."""
    failures = []
    low = text.lower().replace("\u2019", "'")
    for needle in expect.get("containsAll", []):
        if needle.lower() not in low:
            failures.append("does not contain " + json.dumps(needle))
    any_of = expect.get("containsAny")
    if any_of and not any(n.lower() in low for n in any_of):
        failures.append("contains none of " + json.dumps(any_of))
    for needle in expect.get("notContains", []):
        if needle.lower() in low:
            failures.append("contains " + json.dumps(needle))
    if "regex" in expect and not re.search(expect["regex"], text, re.I):
        failures.append("does not match /" + expect["regex"] + "/")
    if "jsonSchema" in expect:
        ok, value = answer_json(text)
        if not ok:
            failures.append("is not JSON")
        else:
            failures.extend("JSON: " + e for e in schema_errors(value, expect["jsonSchema"]))
    if "refusal" in expect:
        refused = bool(refusal_field) or bool(REFUSAL.search(low[:400]))
        if refused != expect["refusal"]:
            failures.append("declined" if refused else "did not decline")
    if "maxTokens" in expect:
        if completion_tokens is None:
            failures.append("the response has no usage.completion_tokens")
        elif completion_tokens > expect["maxTokens"]:
            failures.append("used " + str(completion_tokens) + " completion tokens, more than " + str(expect["maxTokens"]))
    if "maxLatencyMs" in expect and latency_ms > expect["maxLatencyMs"]:
        failures.append("took " + str(int(latency_ms)) + " ms, more than " + str(expect["maxLatencyMs"]))
    return failures


def run_case(base_url, case, key, timeout):
    body = {
        "model": case["model"],
        "messages": case["messages"],
        "max_tokens": case["request"]["maxTokens"],
        "temperature": case["request"]["temperature"],
        "stream": False,
    }
    headers = {"Authorization": "Bearer " + key} if key else {}
    started = time.monotonic()
    try:
        response = http_json("POST", base_url + "/chat/completions", body, headers, timeout)
    except urllib.error.HTTPError as err:
        return ["HTTP " + str(err.code) + ": " + err.read()[:200].decode("utf-8", "replace")], (time.monotonic() - started) * 1000
    except (urllib.error.URLError, OSError, ValueError) as err:
        return ["request failed: " + str(err)], (time.monotonic() - started) * 1000
    latency_ms = (time.monotonic() - started) * 1000
    try:
        message = response["choices"][0]["message"]
    except (KeyError, IndexError, TypeError):
        return ["the response has no choices[0].message"], latency_ms
    usage = response.get("usage") or {}
    return evaluate(case["expect"], message.get("content") or "", usage.get("completion_tokens"), latency_ms, message.get("refusal")), latency_ms


class TenantKeys:
    """Short-lived router keys of each tenant's team, minted with the master key and deleted after the run."""

    def __init__(self, admin_url, master_key, run_id):
        self.admin_url, self.master_key, self.run_id, self.keys = admin_url, master_key, run_id, {}

    def for_tenant(self, tenant):
        if tenant not in self.keys:
            minted = http_json(
                "POST",
                self.admin_url + "/key/generate",
                {"team_id": tenant, "duration": "30m", "key_alias": "golden-set-" + tenant + "-" + self.run_id, "metadata": {"golden_set_run": self.run_id}},
                {"Authorization": "Bearer " + self.master_key},
            )
            self.keys[tenant] = minted["key"]
        return self.keys[tenant]

    def delete(self):
        if self.keys:
            try:
                http_json("POST", self.admin_url + "/key/delete", {"keys": list(self.keys.values())}, {"Authorization": "Bearer " + self.master_key})
            except (urllib.error.URLError, OSError, ValueError) as err:
                print("warning: could not delete the run's keys (they expire in 30 minutes): " + str(err), file=sys.stderr)


def gauge(name, points):
    return {"name": name, "gauge": {"dataPoints": points}}


def point(value, labels, now_ns):
    return {"asDouble": float(value), "timeUnixNano": str(now_ns), "attributes": [{"key": k, "value": {"stringValue": str(v)}} for k, v in sorted(labels.items())]}


def otlp_payload(results, target, now):
    """One OTLP/HTTP JSON export request with every gauge of the run."""
    now_ns = int(now * 1e9)
    per_set = {m: [] for m in ("passed", "passRatio", "threshold", "cases", "runTimestamp")}
    per_case = {"casePassed": [], "caseLatency": []}
    for r in results:
        labels = {"set": r["name"], "target": target}
        per_set["passed"].append(point(1 if r["passed"] else 0, labels, now_ns))
        per_set["passRatio"].append(point(r["ratio"], labels, now_ns))
        per_set["threshold"].append(point(r["threshold"], labels, now_ns))
        per_set["cases"].append(point(len(r["cases"]), labels, now_ns))
        per_set["runTimestamp"].append(point(int(now), labels, now_ns))
        for c in r["cases"]:
            case_labels = {**labels, "case": c["id"], "tenant": c["tenant"], "model": c["model"]}
            per_case["casePassed"].append(point(0 if c["failures"] else 1, case_labels, now_ns))
            per_case["caseLatency"].append(point(round(c["latency_ms"] / 1000, 3), case_labels, now_ns))
    resource = {"service.name": os.environ.get("OTEL_SERVICE_NAME", "golden-set")}
    for pair in filter(None, os.environ.get("OTEL_RESOURCE_ATTRIBUTES", "").split(",")):
        key, _, value = pair.partition("=")
        resource[key.strip()] = value.strip()
    metrics = [gauge(METRICS[k], v) for k, v in {**per_set, **per_case}.items() if v]
    return {
        "resourceMetrics": [
            {
                "resource": {"attributes": [{"key": k, "value": {"stringValue": v}} for k, v in sorted(resource.items())]},
                "scopeMetrics": [{"scope": {"name": "golden-set"}, "metrics": metrics}],
            }
        ]
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sets", required=True, help="folder of <set>.json files")
    parser.add_argument("--base-url", required=True, help="OpenAI-compatible base URL, ending in /v1")
    parser.add_argument("--target", required=True, help=ROUTER_TARGET + " or a model id")
    parser.add_argument("--auth", choices=["tenant-keys", "none"], default="none", help="tenant-keys: mint a key per tenant with ROUTER_MASTER_KEY")
    parser.add_argument("--timeout", type=float, default=120, help="seconds per request")
    args = parser.parse_args(argv)
    base_url = args.base_url.rstrip("/")

    sets = []
    for path in sorted(glob.glob(os.path.join(args.sets, "*.json"))):
        with open(path) as f:
            sets.append(json.load(f))
    chosen = select(sets, args.target)
    if not chosen:
        print("no golden-set case runs against " + args.target + ": add cases for it (docs/golden-sets.md)", file=sys.stderr)
        return 2

    run_id = uuid.uuid4().hex[:12]
    keys = None
    if args.auth == "tenant-keys":
        keys = TenantKeys(re.sub(r"/v1$", "", base_url), os.environ["ROUTER_MASTER_KEY"], run_id)
    results = []
    try:
        for s in chosen:
            cases = []
            for case in s["cases"]:
                try:
                    key = keys.for_tenant(case["tenant"]) if keys else None
                    failures, latency_ms = run_case(base_url, case, key, args.timeout)
                except (urllib.error.URLError, OSError, ValueError, KeyError) as err:
                    failures, latency_ms = ["no key for tenant " + case["tenant"] + ": " + str(err)], 0.0
                cases.append({**case, "failures": failures, "latency_ms": latency_ms})
            passed = sum(1 for c in cases if not c["failures"])
            ratio = passed / len(cases)
            results.append({"name": s["name"], "threshold": s["passThreshold"], "cases": cases, "ratio": ratio, "passed": ratio >= s["passThreshold"]})
    finally:
        if keys:
            keys.delete()

    print("golden sets against " + args.target + " (" + base_url + "), run " + run_id)
    for r in results:
        print("")
        print(("PASS" if r["passed"] else "FAIL") + "  " + r["name"] + ": " + str(sum(1 for c in r["cases"] if not c["failures"])) + "/" + str(len(r["cases"])) + " passed, " + "{:.0%}".format(r["ratio"]) + " (threshold " + "{:.0%}".format(r["threshold"]) + ")")
        for c in r["cases"]:
            print("  " + ("ok  " if not c["failures"] else "FAIL") + "  " + c["id"] + " [" + c["tenant"] + " / " + c["model"] + ", " + str(int(c["latency_ms"])) + " ms]")
            for reason in c["failures"]:
                print("          - " + reason)

    endpoint = os.environ.get("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT")
    if endpoint:
        # The gate is the exit code; a lost push costs the alert and dashboards one run, not the verdict.
        try:
            http_json("POST", endpoint, otlp_payload(results, args.target, time.time()), timeout=15)
        except (urllib.error.URLError, OSError, ValueError) as err:
            print("warning: metrics not pushed to " + endpoint + ": " + str(err), file=sys.stderr)
    return 0 if all(r["passed"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
`;
