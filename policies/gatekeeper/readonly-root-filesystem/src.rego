# Containers run with a read-only root filesystem: a process that is taken over cannot drop tools
# or rewrite binaries, and what a workload writes goes to volumes that are sized and visible.
# A container that must write to its image (a vendor image that insists) opts out by name, with a
# reason reviewers can read, through a pod-template annotation:
#   writable-root.platform.example.org/<container>: <why it must write, minReasonLength or more>
# The container's name is the annotation's name part: the part after the "/" allows 63
# characters, exactly a container name's limit, which a "platform.example.org/writable-root.<c>"
# key would exceed.
package platformreadonlyrootfilesystem

import data.lib.workload
import rego.v1

violation contains {"msg": msg} if {
	workload.judged
	some entry in workload.containers
	not object.get(entry.container, ["securityContext", "readOnlyRootFilesystem"], false) == true
	not reason(entry.container.name)
	msg := sprintf("%s: securityContext.readOnlyRootFilesystem must be true; fix: set it and mount an emptyDir where the process writes, or annotate the pod template with %s%s: <why it must write, at least %d characters>", [workload.describe(entry), input.parameters.annotationPrefix, entry.container.name, input.parameters.minReasonLength])
}

violation contains {"msg": msg} if {
	workload.judged
	some key, value in annotations
	startswith(key, input.parameters.annotationPrefix)
	count(trim_space(value)) < input.parameters.minReasonLength
	msg := sprintf("%s/%s: annotation %s gives no reason (%d characters, at least %d); fix: say why the container must write to its root filesystem", [workload.obj.kind, workload.obj.metadata.name, key, count(trim_space(value)), input.parameters.minReasonLength])
}

annotations := object.get(workload.pod_metadata, "annotations", {})

# An opt-out counts only with a reason long enough to be one.
reason(container) := r if {
	r := trim_space(annotations[concat("", [input.parameters.annotationPrefix, container])])
	count(r) >= input.parameters.minReasonLength
}
