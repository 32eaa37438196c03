# Long-running workloads declare readiness and liveness probes, so rollouts wait for healthy
# pods and hung ones are restarted. A probe is only a probe with a handler: `readinessProbe: null`
# parses as no probe at all, and `{}` checks nothing (the API server refuses it, but manifests
# checked in CI never meet the API server).
package platformrequiredprobes

import data.lib.workload
import rego.v1

handlers := ["exec", "httpGet", "tcpSocket", "grpc"]

violation contains {"msg": msg} if {
	workload.judged
	workload.obj.kind in {"Deployment", "StatefulSet"}
	some c in workload.pod_spec.containers
	some probe in input.parameters.probes
	object.get(c, probe, null) == null
	msg := sprintf("%s/%s container %q: %s is missing; fix: probe the container's health endpoint", [workload.obj.kind, workload.obj.metadata.name, c.name, probe])
}

# Every probe that is there, required or not (startupProbe too), carries a handler.
violation contains {"msg": msg} if {
	workload.judged
	workload.obj.kind in {"Deployment", "StatefulSet"}
	some c in workload.pod_spec.containers
	some probe in ["readinessProbe", "livenessProbe", "startupProbe"]
	p := object.get(c, probe, null)
	p != null
	not has_handler(p)
	msg := sprintf("%s/%s container %q: %s has no handler; fix: give it one of %s (e.g. httpGet on the health endpoint)", [workload.obj.kind, workload.obj.metadata.name, c.name, probe, concat(", ", handlers)])
}

has_handler(p) if {
	is_object(p)
	some handler in handlers
	object.get(p, handler, null) != null
}
