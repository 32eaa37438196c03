# Every container declares CPU and memory requests and limits, and GPUs are requested exactly
# as limited: the scheduler, the quota and the cost reports all depend on it.
package platformcontainerresources

import data.lib.workload
import rego.v1

violation contains {"msg": msg} if {
	workload.judged
	some entry in workload.containers
	entry.field != "ephemeralContainers"
	some kind in ["requests", "limits"]
	some resource in ["cpu", "memory"]
	not entry.container.resources[kind][resource]
	msg := sprintf("%s: resources.%s.%s is missing; fix: set it (see the namespace LimitRange for defaults)", [workload.describe(entry), kind, resource])
}

violation contains {"msg": msg} if {
	workload.judged
	some entry in workload.containers
	resources := object.get(entry.container, "resources", {})
	request := object.get(resources, ["requests", "nvidia.com/gpu"], null)
	limit := object.get(resources, ["limits", "nvidia.com/gpu"], null)
	{request, limit} != {null}
	to_number(object.get(resources, ["requests", "nvidia.com/gpu"], 0)) != to_number(object.get(resources, ["limits", "nvidia.com/gpu"], 0))
	msg := sprintf("%s: nvidia.com/gpu request %v must equal its limit %v; fix: set both to the same number", [workload.describe(entry), request, limit])
}
