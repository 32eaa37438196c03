# Long-running workloads declare readiness and liveness probes, so rollouts wait for healthy
# pods and hung ones are restarted.
package platformrequiredprobes

import data.lib.workload
import rego.v1

violation contains {"msg": msg} if {
	workload.obj.kind in {"Deployment", "StatefulSet"}
	some c in workload.pod_spec.containers
	some probe in input.parameters.probes
	not c[probe]
	msg := sprintf("%s/%s container %q: %s is missing; fix: probe the container's health endpoint", [workload.obj.kind, workload.obj.metadata.name, c.name, probe])
}
