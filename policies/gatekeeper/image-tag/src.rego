# Images must name an explicit tag that is not "latest" (and, where required, a digest), so
# that what runs is what was reviewed and a rollback means something.
package platformimagetag

import data.lib.workload
import rego.v1

violation contains {"msg": msg} if {
	workload.judged
	some entry in workload.containers
	image := entry.container.image
	not workload.exempt_image(image)
	some problem in problems(image)
	msg := sprintf("%s: image %q %s; fix: pin a version tag%s", [workload.describe(entry), image, problem, digest_hint])
}

digest_hint := " and its digest (image:tag@sha256:...)" if input.parameters.requireDigest

digest_hint := "" if not input.parameters.requireDigest

problems(image) := {p | some p in [latest(image), untagged(image), undigested(image)]; p != ""}

latest(image) := "uses the latest tag" if tag(image) == "latest"

else := ""

untagged(image) := "has no tag" if {
	not tag(image)
	not contains(image, "@")
} else := ""

undigested(image) := "is not pinned by digest" if {
	input.parameters.requireDigest
	not contains(image, "@sha256:")
} else := ""

# The tag is what follows the last ":" after the last "/" (a registry port is not a tag).
tag(image) := t if {
	name := split(image, "@")[0]
	parts := split(name, "/")
	last := parts[count(parts) - 1]
	contains(last, ":")
	t := split(last, ":")[1]
}
