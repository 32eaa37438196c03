package platformrequiredprobes_test

import data.platformrequiredprobes
import rego.v1

deployment(container) := {"review": {"object": {"kind": "Deployment", "metadata": {"name": "d"}, "spec": {"template": {"spec": {"containers": [container]}}}}}, "parameters": {"probes": ["readinessProbe", "livenessProbe"]}}

test_probed_allowed if count(platformrequiredprobes.violation) == 0 with input as deployment({"name": "a", "readinessProbe": {}, "livenessProbe": {}})

test_unprobed_denied if count(platformrequiredprobes.violation) == 2 with input as deployment({"name": "a"})
