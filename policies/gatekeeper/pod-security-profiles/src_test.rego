package platformpodsecurityprofiles_test

import data.platformpodsecurityprofiles
import rego.v1

params := {"allowedSysctls": ["net.ipv4.ip_unprivileged_port_start"], "allowedSELinuxTypes": ["container_t", "container_init_t"]}

pod(annotations, spec) := {"review": {"object": {"kind": "Pod", "metadata": {"name": "p", "annotations": annotations}, "spec": spec}}, "parameters": params}

app := {"name": "app"}

denials(annotations, spec) := d if {
	d := platformpodsecurityprofiles.violation with input as pod(annotations, spec)
}

test_defaults_allowed if count(denials({}, {"containers": [app]})) == 0

test_confined_profiles_allowed if {
	spec := {
		"securityContext": {"appArmorProfile": {"type": "Localhost", "localhostProfile": "p"}, "seLinuxOptions": {"type": "container_t", "level": "s0:c1,c2"}, "sysctls": [{"name": "net.ipv4.ip_unprivileged_port_start", "value": "0"}]},
		"containers": [object.union(app, {"securityContext": {"appArmorProfile": {"type": "RuntimeDefault"}, "procMount": "Default"}})],
	}
	count(denials({"container.apparmor.security.beta.kubernetes.io/app": "runtime/default"}, spec)) == 0
}

test_unconfined_annotation_denied if {
	some v in denials({"container.apparmor.security.beta.kubernetes.io/app": "unconfined"}, {"containers": [app]})
	contains(v.msg, "leaves the container without AppArmor")
}

test_unconfined_profile_denied_at_pod_and_container if {
	count(denials({}, {"securityContext": {"appArmorProfile": {"type": "Unconfined"}}, "containers": [app]})) == 1
	count(denials({}, {"containers": [object.union(app, {"securityContext": {"appArmorProfile": {"type": "Unconfined"}}})]})) == 1
}

test_selinux_user_role_and_type_denied if {
	d := denials({}, {"securityContext": {"seLinuxOptions": {"user": "system_u", "role": "system_r", "type": "spc_t"}}, "containers": [app]})
	count(d) == 3
}

test_container_selinux_type_denied if count(denials({}, {"containers": [object.union(app, {"securityContext": {"seLinuxOptions": {"type": "unconfined_t"}}})]})) == 1

test_unmasked_proc_denied if {
	some v in denials({}, {"initContainers": [object.union(app, {"securityContext": {"procMount": "Unmasked"}})], "containers": []})
	contains(v.msg, "initContainer \"app\": securityContext.procMount Unmasked")
}

test_unsafe_sysctl_denied if {
	some v in denials({}, {"securityContext": {"sysctls": [{"name": "kernel.msgmax", "value": "65536"}]}, "containers": [app]})
	contains(v.msg, "sysctl kernel.msgmax is outside the safe set")
}

test_host_process_denied if count(denials({}, {"securityContext": {"windowsOptions": {"hostProcess": true}}, "containers": [app]})) == 1
