# A Service's externalIPs make every node accept traffic for those addresses and send it to the
# Service: whoever may create a Service can capture another workload's (or the internet's)
# address inside the cluster (CVE-2020-8554, unpatchable in Kubernetes itself).
package platformserviceexternalips

import rego.v1

violation contains {"msg": msg} if {
	service := input.review.object
	service.kind == "Service"
	ips := object.get(service, ["spec", "externalIPs"], [])
	count(ips) > 0
	msg := sprintf("Service/%s: spec.externalIPs %v is not allowed (CVE-2020-8554: it intercepts traffic to those addresses cluster-wide); fix: remove spec.externalIPs and expose the Service through an Ingress", [service.metadata.name, ips])
}
