# Every container declares how much node disk it uses (its writable layer, logs and emptyDirs):
# without a request the scheduler packs pods onto a full disk, and without a limit one container
# fills the node's disk and gets every pod on it evicted.
package platformephemeralstorage

import data.lib.workload
import rego.v1

violation contains {"msg": msg} if {
	workload.judged
	some entry in workload.containers
	# Ephemeral containers take no resources (the API refuses them there).
	entry.field != "ephemeralContainers"
	some kind in ["requests", "limits"]
	object.get(entry.container, ["resources", kind, "ephemeral-storage"], null) == null
	msg := sprintf("%s: resources.%s.ephemeral-storage is missing; fix: set it to what the container writes to its layer, logs and emptyDirs (e.g. requests 256Mi, limits 1Gi)", [workload.describe(entry), kind])
}
