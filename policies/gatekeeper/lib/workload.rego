# Shared helpers for every workload policy: the pod spec of a Pod or of any pod controller, so
# that a rule written once applies at admission of the Deployment, not only of its Pods.
package lib.workload

import rego.v1

controller_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}

obj := input.review.object

pod_spec := obj.spec if obj.kind == "Pod"

pod_spec := obj.spec.template.spec if obj.kind in controller_kinds

pod_spec := obj.spec.jobTemplate.spec.template.spec if obj.kind == "CronJob"

pod_metadata := obj.metadata if obj.kind == "Pod"

pod_metadata := obj.spec.template.metadata if obj.kind in controller_kinds

pod_metadata := obj.spec.jobTemplate.spec.template.metadata if obj.kind == "CronJob"

# Every container of the pod with the list it came from, e.g. {"container": {...}, "field": "initContainers"}.
containers contains {"container": c, "field": field} if {
	some field in ["containers", "initContainers", "ephemeralContainers"]
	some c in object.get(pod_spec, field, [])
}

# "Deployment/web: container app" for messages.
describe(entry) := sprintf("%s/%s %s %q", [obj.kind, obj.metadata.name, trim_suffix(entry.field, "s"), entry.container.name])

exempt_image(image) if {
	some prefix in object.get(input.parameters, "exemptImages", [])
	startswith(image, prefix)
}
