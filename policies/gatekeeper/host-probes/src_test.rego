package platformhostprobes_test

import data.platformhostprobes
import rego.v1

pod(container) := {"review": {"object": {"kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [container]}}}}

denials(container) := d if {
	d := platformhostprobes.violation with input as pod(container)
}

test_own_pod_probes_allowed if {
	c := {"name": "app", "readinessProbe": {"httpGet": {"path": "/", "port": 80}}, "livenessProbe": {"tcpSocket": {"port": 80}}, "lifecycle": {"preStop": {"exec": {"command": ["sleep", "5"]}}}}
	count(denials(c)) == 0
}

test_empty_host_allowed if count(denials({"name": "app", "readinessProbe": {"httpGet": {"host": "", "port": 80}}})) == 0

test_probe_host_denied if {
	some v in denials({"name": "app", "livenessProbe": {"httpGet": {"host": "169.254.169.254", "path": "/metadata", "port": 80}}})
	contains(v.msg, "livenessProbe.httpGet.host \"169.254.169.254\"")
}

test_hook_host_denied if {
	some v in denials({"name": "app", "lifecycle": {"postStart": {"tcpSocket": {"host": "10.0.0.1", "port": 443}}}})
	contains(v.msg, "lifecycle.postStart.tcpSocket.host")
}
