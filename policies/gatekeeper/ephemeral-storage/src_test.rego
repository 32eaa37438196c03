package platformephemeralstorage_test

import data.platformephemeralstorage
import rego.v1

pod(resources) := {"review": {"object": {"kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "app", "resources": resources}], "ephemeralContainers": [{"name": "debug"}]}}}}

test_both_set_allowed if count(platformephemeralstorage.violation) == 0 with input as pod({"requests": {"ephemeral-storage": "256Mi"}, "limits": {"ephemeral-storage": "1Gi"}})

test_missing_limit_denied if {
	some v in platformephemeralstorage.violation with input as pod({"requests": {"ephemeral-storage": "256Mi"}})
	contains(v.msg, "Pod/p container \"app\": resources.limits.ephemeral-storage is missing")
}

test_nothing_set_denied_twice if count(platformephemeralstorage.violation) == 2 with input as pod({})
