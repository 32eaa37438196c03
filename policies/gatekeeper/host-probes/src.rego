# The kubelet runs probes and lifecycle hooks from the node, with the node's network identity:
# httpGet.host or tcpSocket.host aimed elsewhere turns them into requests the node makes for the
# pod (to the cloud metadata endpoint, the API server, another tenant's pods), past every
# NetworkPolicy. Handlers aim at the pod's own IP, which is what they do without a host.
package platformhostprobes

import data.lib.workload
import rego.v1

handlers := [
	["livenessProbe"],
	["readinessProbe"],
	["startupProbe"],
	["lifecycle", "postStart"],
	["lifecycle", "preStop"],
]

violation contains {"msg": msg} if {
	workload.judged
	some entry in workload.containers
	some path in handlers
	handler := object.get(entry.container, path, {})
	is_object(handler)
	some kind in ["httpGet", "tcpSocket"]
	host := object.get(handler, [kind, "host"], "")
	host != ""
	msg := sprintf("%s: %s.%s.host %q aims the kubelet at another host; fix: remove host so the kubelet calls the pod's own IP", [workload.describe(entry), concat(".", path), kind, host])
}
