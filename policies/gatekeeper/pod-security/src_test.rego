package platformpodsecurity_test

import data.platformpodsecurity
import rego.v1

good_container := {"name": "app", "image": "x", "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}}

good_spec := {"securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}}, "containers": [good_container], "volumes": [{"name": "tmp", "emptyDir": {}}]}

review(spec) := {"review": {"object": {"kind": "Deployment", "metadata": {"name": "d"}, "spec": {"template": {"spec": spec}}}}, "parameters": {"allowedVolumeTypes": ["emptyDir"]}}

denials(spec) := d if {
	d := platformpodsecurity.violation with input as review(spec)
}

test_restricted_pod_allowed if count(denials(good_spec)) == 0

test_container_level_non_root_and_seccomp_allowed if {
	c := object.union(good_container, {"securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "Localhost", "localhostProfile": "p.json"}}})
	count(denials(object.union(good_spec, {"securityContext": {}, "containers": [c]}))) == 0
}

test_container_overrides_pod_non_root if {
	c := object.union(good_container, {"securityContext": {"runAsNonRoot": false}})
	count(denials(object.union(good_spec, {"containers": [c]}))) == 1
}

test_net_bind_service_may_be_added if {
	c := object.union(good_container, {"securityContext": {"capabilities": {"add": ["NET_BIND_SERVICE"]}}})
	count(denials(object.union(good_spec, {"containers": [c]}))) == 0
}

test_host_ipc_denied if count(denials(object.union(good_spec, {"hostIPC": true}))) == 1

test_missing_escalation_setting_denied if {
	c := object.remove(good_container, ["securityContext"])
	count(denials(object.union(good_spec, {"containers": [c]}))) == 2
}

test_volume_type_outside_list_denied if {
	some v in denials(object.union(good_spec, {"volumes": [{"name": "sock", "hostPath": {"path": "/run"}}]}))
	contains(v.msg, "type hostPath is not allowed")
}
