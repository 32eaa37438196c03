# The Pod Security baseline controls that the pod-security rule leaves out, each of which loosens
# the kernel's confinement of a container: AppArmor unconfined (the annotation and the
# appArmorProfile field, pod and container), SELinux options that pick a user, a role or a type
# outside the container types, a /proc without masked paths (procMount Unmasked), sysctls outside
# the namespaced safe set, and Windows HostProcess containers.
package platformpodsecurityprofiles

import data.lib.workload
import rego.v1

apparmor_annotation := "container.apparmor.security.beta.kubernetes.io/"

pod_context := object.get(workload.pod_spec, "securityContext", {})

violation contains {"msg": msg} if {
	workload.judged
	some key, value in object.get(workload.pod_metadata, "annotations", {})
	startswith(key, apparmor_annotation)
	not apparmor_annotation_confined(value)
	msg := sprintf("%s/%s: annotation %s=%q leaves the container without AppArmor; fix: remove it (the runtime default applies) or use runtime/default or localhost/<profile>", [workload.obj.kind, workload.obj.metadata.name, key, value])
}

violation contains {"msg": msg} if {
	workload.judged
	type := object.get(pod_context, ["appArmorProfile", "type"], "RuntimeDefault")
	not type in {"RuntimeDefault", "Localhost"}
	msg := sprintf("%s/%s: spec.securityContext.appArmorProfile.type %s is not allowed; fix: use RuntimeDefault or Localhost", [workload.obj.kind, workload.obj.metadata.name, type])
}

violation contains {"msg": msg} if {
	workload.judged
	some entry in workload.containers
	type := object.get(entry.container, ["securityContext", "appArmorProfile", "type"], "RuntimeDefault")
	not type in {"RuntimeDefault", "Localhost"}
	msg := sprintf("%s: securityContext.appArmorProfile.type %s is not allowed; fix: use RuntimeDefault or Localhost", [workload.describe(entry), type])
}

violation contains {"msg": msg} if {
	workload.judged
	some problem in selinux_problems(object.get(pod_context, "seLinuxOptions", {}))
	msg := sprintf("%s/%s: spec.securityContext.seLinuxOptions %s; fix: leave user and role unset and use one of %v (or no type)", [workload.obj.kind, workload.obj.metadata.name, problem, input.parameters.allowedSELinuxTypes])
}

violation contains {"msg": msg} if {
	workload.judged
	some entry in workload.containers
	some problem in selinux_problems(object.get(entry.container, ["securityContext", "seLinuxOptions"], {}))
	msg := sprintf("%s: securityContext.seLinuxOptions %s; fix: leave user and role unset and use one of %v (or no type)", [workload.describe(entry), problem, input.parameters.allowedSELinuxTypes])
}

violation contains {"msg": msg} if {
	workload.judged
	some entry in workload.containers
	mount := object.get(entry.container, ["securityContext", "procMount"], "Default")
	mount != "Default"
	msg := sprintf("%s: securityContext.procMount %s exposes the host's /proc paths the runtime masks; fix: remove procMount (Default)", [workload.describe(entry), mount])
}

violation contains {"msg": msg} if {
	workload.judged
	some sysctl in object.get(pod_context, "sysctls", [])
	not sysctl.name in input.parameters.allowedSysctls
	msg := sprintf("%s/%s: sysctl %s is outside the safe set; fix: remove it (allowed: %v)", [workload.obj.kind, workload.obj.metadata.name, sysctl.name, input.parameters.allowedSysctls])
}

violation contains {"msg": msg} if {
	workload.judged
	object.get(pod_context, ["windowsOptions", "hostProcess"], false) == true
	msg := sprintf("%s/%s: spec.securityContext.windowsOptions.hostProcess runs on the host; fix: remove it", [workload.obj.kind, workload.obj.metadata.name])
}

violation contains {"msg": msg} if {
	workload.judged
	some entry in workload.containers
	object.get(entry.container, ["securityContext", "windowsOptions", "hostProcess"], false) == true
	msg := sprintf("%s: securityContext.windowsOptions.hostProcess runs on the host; fix: remove it", [workload.describe(entry)])
}

apparmor_annotation_confined(value) if value == "runtime/default"

apparmor_annotation_confined(value) if startswith(value, "localhost/")

selinux_problems(options) := {p |
	some field in ["user", "role"]
	object.get(options, field, "") != ""
	p := sprintf("sets %s %q", [field, options[field]])
} | {p |
	type := object.get(options, "type", "")
	type != ""
	not type in input.parameters.allowedSELinuxTypes
	p := sprintf("type %q is not a container type", [type])
}
