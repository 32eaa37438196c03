package platformcontainerresources_test

import data.platformcontainerresources
import rego.v1

full := {"requests": {"cpu": "100m", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "1Gi"}}

pod(resources) := {"review": {"object": {"kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "app", "image": "x", "resources": resources}]}}}}

test_complete_resources_allowed if count(platformcontainerresources.violation) == 0 with input as pod(full)

test_missing_limits_denied if count(platformcontainerresources.violation) == 2 with input as pod({"requests": full.requests})

test_gpu_equal_allowed if {
	r := json.patch(full, [{"op": "add", "path": "/requests/nvidia.com~1gpu", "value": 2}, {"op": "add", "path": "/limits/nvidia.com~1gpu", "value": "2"}])
	count(platformcontainerresources.violation) == 0 with input as pod(r)
}

test_gpu_limit_only_denied if {
	r := json.patch(full, [{"op": "add", "path": "/limits/nvidia.com~1gpu", "value": 1}])
	some v in platformcontainerresources.violation with input as pod(r)
	contains(v.msg, "must equal its limit")
}
