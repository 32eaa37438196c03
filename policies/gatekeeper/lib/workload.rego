# Shared helpers for every workload policy: the pod spec of a Pod or of any pod controller, so
# that a rule written once applies at admission of the Deployment, not only of its Pods.
package lib.workload

import rego.v1

controller_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}

obj := input.review.object

# The namespace of the request: the API server fills it in from the URL, so it is there even when
# the manifest leaves metadata.namespace out.
namespace := ns if {
	ns := input.review.namespace
	ns != ""
} else := object.get(obj, ["metadata", "namespace"], "")

pod_spec := spec_of(obj)

pod_metadata := metadata_of(obj)

spec_of(o) := o.spec if o.kind == "Pod"

spec_of(o) := o.spec.template.spec if o.kind in controller_kinds

spec_of(o) := o.spec.jobTemplate.spec.template.spec if o.kind == "CronJob"

metadata_of(o) := o.metadata if o.kind == "Pod"

metadata_of(o) := o.spec.template.metadata if o.kind in controller_kinds

metadata_of(o) := o.spec.jobTemplate.spec.template.metadata if o.kind == "CronJob"

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

operation := object.get(input.review, "operation", "")

# Whether the rules judge this review at all. Gatekeeper's audit and gator review stored objects
# without an operation, and CREATE is always judged. An UPDATE is judged only when it changes what
# the rules read: an object admitted before a rule existed (or while it warned) must still be
# scalable, annotatable and deletable, or a new rule would freeze running workloads; audit keeps
# reporting it until its owner fixes it, and new Pods it creates are judged on their own. A DELETE
# (sent only with the chart's enableDeleteOperations) removes what is there and is never judged.
judged if not operation in {"UPDATE", "DELETE"}

judged if {
	operation == "UPDATE"
	not unchanged_update
}

unchanged_update if judged_view(input.review.oldObject) == judged_view(obj)

# What the rules read of an object: its pod spec and pod template (labels and the annotations
# rules read), the object's labels, and the templates controllers label their children from. Not
# in it: replicas, the object's annotations, finalizers, owner references and status.
judged_view(o) := {
	"labels": object.get(o, ["metadata", "labels"], {}),
	"spec": spec_or_empty(o),
	"templateLabels": object.get(metadata_or_empty(o), "labels", {}),
	"templateAnnotations": {k: v |
		some k, v in object.get(metadata_or_empty(o), "annotations", {})
		judged_annotation(k)
	},
	"jobTemplateMetadata": object.get(o, ["spec", "jobTemplate", "metadata"], null),
	"volumeClaimTemplates": object.get(o, ["spec", "volumeClaimTemplates"], null),
}

# Pod annotations that change how a pod is confined; any other pod annotation (a restart stamp,
# a checksum) is not what the rules judge.
judged_annotation_prefixes := {"container.apparmor.security.beta.kubernetes.io/", "writable-root.platform.example.org/"}

judged_annotation(key) if {
	some prefix in judged_annotation_prefixes
	startswith(key, prefix)
}

spec_or_empty(o) := s if {
	s := spec_of(o)
} else := {}

metadata_or_empty(o) := m if {
	m := metadata_of(o)
} else := {}
