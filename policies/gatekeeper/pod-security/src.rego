# Pod Security "restricted" as admission rules on Pods and pod controllers: a bad Deployment is
# refused when it is applied, instead of silently never creating Pods.
package platformpodsecurity

import data.lib.workload
import rego.v1

spec := workload.pod_spec

pod_context := object.get(spec, "securityContext", {})

violation contains {"msg": msg} if {
	workload.judged
	some field in ["hostNetwork", "hostPID", "hostIPC"]
	spec[field] == true
	msg := sprintf("%s/%s: %s is not allowed; fix: remove it", [workload.obj.kind, workload.obj.metadata.name, field])
}

violation contains {"msg": msg} if {
	workload.judged
	some entry in workload.containers
	entry.container.securityContext.privileged == true
	msg := sprintf("%s: privileged is not allowed; fix: remove securityContext.privileged", [workload.describe(entry)])
}

violation contains {"msg": msg} if {
	workload.judged
	some entry in workload.containers
	some port in object.get(entry.container, "ports", [])
	object.get(port, "hostPort", 0) != 0
	msg := sprintf("%s: hostPort %v is not allowed; fix: expose it through a Service", [workload.describe(entry), port.hostPort])
}

violation contains {"msg": msg} if {
	workload.judged
	some entry in workload.containers
	not object.get(entry.container, ["securityContext", "allowPrivilegeEscalation"], true) == false
	msg := sprintf("%s: securityContext.allowPrivilegeEscalation must be false; fix: set it to false", [workload.describe(entry)])
}

violation contains {"msg": msg} if {
	workload.judged
	some entry in workload.containers
	drops := {upper(c) | some c in object.get(entry.container, ["securityContext", "capabilities", "drop"], [])}
	not "ALL" in drops
	msg := sprintf("%s: securityContext.capabilities.drop must include ALL; fix: drop ALL (add back NET_BIND_SERVICE only if the process binds a port below 1024)", [workload.describe(entry)])
}

violation contains {"msg": msg} if {
	workload.judged
	some entry in workload.containers
	some added in object.get(entry.container, ["securityContext", "capabilities", "add"], [])
	upper(added) != "NET_BIND_SERVICE"
	msg := sprintf("%s: capability %s may not be added (only NET_BIND_SERVICE); fix: remove it from securityContext.capabilities.add", [workload.describe(entry), added])
}

violation contains {"msg": msg} if {
	workload.judged
	some entry in workload.containers
	not runs_as_non_root(entry.container)
	msg := sprintf("%s: must run as non-root; fix: set securityContext.runAsNonRoot: true (pod or container)", [workload.describe(entry)])
}

violation contains {"msg": msg} if {
	workload.judged
	some entry in workload.containers
	object.get(entry.container, ["securityContext", "runAsUser"], object.get(pod_context, "runAsUser", 1)) == 0
	msg := sprintf("%s: runAsUser 0 (root) is not allowed; fix: run as a non-zero UID (securityContext.runAsUser, or the image's USER)", [workload.describe(entry)])
}

violation contains {"msg": msg} if {
	workload.judged
	some entry in workload.containers
	not seccomp_confined(entry.container)
	msg := sprintf("%s: seccompProfile.type must be RuntimeDefault or Localhost (pod or container); fix: set spec.securityContext.seccompProfile.type: RuntimeDefault", [workload.describe(entry)])
}

violation contains {"msg": msg} if {
	workload.judged
	some volume in object.get(spec, "volumes", [])
	type := volume_type(volume)
	not type in input.parameters.allowedVolumeTypes
	msg := sprintf("%s/%s: volume %q of type %s is not allowed; fix: use one of %v (an emptyDir for scratch space, a persistentVolumeClaim for data)", [workload.obj.kind, workload.obj.metadata.name, volume.name, type, input.parameters.allowedVolumeTypes])
}

runs_as_non_root(container) if container.securityContext.runAsNonRoot == true

runs_as_non_root(container) if {
	not container.securityContext.runAsNonRoot == false
	pod_context.runAsNonRoot == true
}

seccomp_confined(container) if container.securityContext.seccompProfile.type in {"RuntimeDefault", "Localhost"}

seccomp_confined(container) if {
	not container.securityContext.seccompProfile.type
	pod_context.seccompProfile.type in {"RuntimeDefault", "Localhost"}
}

# The one key of a volume that is not its name is its type (configMap, emptyDir, hostPath, ...).
volume_type(volume) := type if {
	some type, _ in volume
	type != "name"
}
