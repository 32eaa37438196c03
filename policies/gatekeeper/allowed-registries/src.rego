# Images come only from the environment's registry and an explicit allow-list, so nothing is
# pulled from a registry the platform does not scan and mirror.
package platformallowedregistries

import data.lib.workload
import rego.v1

violation contains {"msg": msg} if {
	workload.judged
	some entry in workload.containers
	image := entry.container.image
	not workload.exempt_image(image)
	not allowed(image)
	msg := sprintf("%s: image %q is not from an allowed registry; fix: push it to one of %v", [workload.describe(entry), image, input.parameters.registries])
}

# A registry matches as a whole host (and optional path) prefix followed by "/".
allowed(image) if {
	some registry in input.parameters.registries
	startswith(image, concat("", [trim_suffix(registry, "/"), "/"]))
}
