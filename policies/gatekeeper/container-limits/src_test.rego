package platformcontainerlimits_test

import data.platformcontainerlimits
import rego.v1

params := {
	"defaultMaximum": {"cpu": "2", "memory": "4Gi", "ratio": 4},
	"namespaces": [{"namespace": "serving", "cpu": "64", "memory": "512Gi", "ratio": 2}],
}

pod(namespace, resources) := {"review": {"namespace": namespace, "object": {"kind": "Pod", "metadata": {"name": "p", "namespace": namespace}, "spec": {"containers": [{"name": "app", "resources": resources}]}}}, "parameters": params}

denials(namespace, resources) := d if {
	d := platformcontainerlimits.violation with input as pod(namespace, resources)
}

sized(cpu_request, cpu_limit, memory_request, memory_limit) := {"requests": {"cpu": cpu_request, "memory": memory_request}, "limits": {"cpu": cpu_limit, "memory": memory_limit}}

test_within_default_allowed if count(denials("team", sized("500m", "2", "1Gi", "4Gi"))) == 0

test_numbers_and_milli_compare_as_quantities if count(denials("team", sized(0.5, "2000m", "1024Mi", "4096Mi"))) == 0

test_cpu_above_maximum_denied if {
	some v in denials("team", sized("2", "4", "1Gi", "1Gi"))
	contains(v.msg, "cpu 4 is above the maximum 2 for one container in namespace \"team\"")
}

test_memory_request_without_limit_counts if count(denials("team", {"requests": {"memory": "8Gi"}})) == 1

test_ratio_above_maximum_denied if {
	some v in denials("team", sized("100m", "1", "1Gi", "1Gi"))
	contains(v.msg, "cpu limit 1 is more than 4 times its request 100m")
}

test_ratio_at_maximum_allowed if count(denials("team", sized("500m", "2", "1Gi", "4Gi"))) == 0

test_namespace_maximum_applies if {
	count(denials("serving", sized("16", "32", "180Gi", "180Gi"))) == 0
	count(denials("team", sized("16", "32", "180Gi", "180Gi"))) == 2
}

test_namespace_ratio_applies if count(denials("serving", sized("4", "12", "8Gi", "8Gi"))) == 1

test_unparseable_quantity_denied if {
	some v in denials("team", sized("1", "2", "1Gi", "4GB"))
	contains(v.msg, "resources.limits.memory 4GB is not a Kubernetes quantity")
}
