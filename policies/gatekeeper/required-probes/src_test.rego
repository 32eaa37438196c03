package platformrequiredprobes_test

import data.platformrequiredprobes
import rego.v1

deployment(container) := {"review": {"object": {"kind": "Deployment", "metadata": {"name": "d"}, "spec": {"template": {"spec": {"containers": [container]}}}}}, "parameters": {"probes": ["readinessProbe", "livenessProbe"]}}

http := {"httpGet": {"path": "/healthz", "port": 8080}}

test_probed_allowed if count(platformrequiredprobes.violation) == 0 with input as deployment({"name": "a", "readinessProbe": http, "livenessProbe": {"grpc": {"port": 9090}}})

test_unprobed_denied if count(platformrequiredprobes.violation) == 2 with input as deployment({"name": "a"})

test_null_probe_is_missing if {
	some v in platformrequiredprobes.violation with input as deployment({"name": "a", "readinessProbe": null, "livenessProbe": http})
	contains(v.msg, "readinessProbe is missing")
}

test_empty_probe_has_no_handler if {
	some v in platformrequiredprobes.violation with input as deployment({"name": "a", "readinessProbe": {"periodSeconds": 5}, "livenessProbe": http})
	contains(v.msg, "readinessProbe has no handler")
}

test_startup_probe_without_handler_denied if {
	denials := platformrequiredprobes.violation with input as deployment({"name": "a", "readinessProbe": http, "livenessProbe": http, "startupProbe": {}})
	count(denials) == 1
}

test_unchanged_update_of_unprobed_deployment_allowed if {
	d := deployment({"name": "a"})
	update := {"review": object.union(d.review, {"operation": "UPDATE", "oldObject": d.review.object}), "parameters": d.parameters}
	count(platformrequiredprobes.violation) == 0 with input as update
}
