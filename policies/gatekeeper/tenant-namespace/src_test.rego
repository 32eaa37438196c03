package platformtenantnamespace_test

import data.platformtenantnamespace
import rego.v1

ns(labels) := {"review": {"object": {"kind": "Namespace", "metadata": {"name": "n", "labels": labels}}}, "parameters": {"labels": ["tenant", "cost-center"]}}

good := {"tenant": "n", "cost-center": "CC-1", "pod-security.kubernetes.io/enforce": "restricted"}

test_tenant_namespace_allowed if count(platformtenantnamespace.violation) == 0 with input as ns(good)

test_missing_cost_center_denied if count(platformtenantnamespace.violation) == 1 with input as ns(object.remove(good, ["cost-center"]))

test_privileged_namespace_denied if count(platformtenantnamespace.violation) == 1 with input as ns(object.union(good, {"pod-security.kubernetes.io/enforce": "privileged"}))
