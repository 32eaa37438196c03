# Azure Files mounted with the storage account's key: the key sits in a Secret of the namespace,
# opens every share of the account (other tenants' included, where the driver put them in one
# account), and bypasses Entra ID and its audit. The AKS built-in `azurefile*` classes and the
# in-tree or inline CSI Azure Files volumes all mount that way; the platform's own class
# (catalog/storage-classes.ts) mounts with the kubelet's managed identity instead.
package platformkeymountedstorage

import data.lib.workload
import rego.v1

key_mounted(class) if class in object.get(input.parameters, "keyMountedClasses", [])

claim_class(spec) := object.get(spec, "storageClassName", "")

violation contains {"msg": msg} if {
	claim := input.review.object
	claim.kind == "PersistentVolumeClaim"

	# A claim's spec is immutable apart from its size, which the judged view leaves out: a resize
	# of a claim admitted before this rule is not judged.
	workload.judged
	key_mounted(claim_class(claim.spec))
	msg := sprintf("PersistentVolumeClaim/%s: storageClassName %q mounts Azure Files with the account key; fix: use %s", [claim.metadata.name, claim_class(claim.spec), suggestion])
}

violation contains {"msg": msg} if {
	set := input.review.object
	set.kind == "StatefulSet"
	workload.judged
	some template in object.get(set, ["spec", "volumeClaimTemplates"], [])
	key_mounted(claim_class(object.get(template, "spec", {})))
	msg := sprintf("StatefulSet/%s: volumeClaimTemplate %q uses storageClassName %q, which mounts Azure Files with the account key; fix: use %s", [set.metadata.name, template.metadata.name, claim_class(template.spec), suggestion])
}

violation contains {"msg": msg} if {
	workload.judged
	some volume in object.get(workload.pod_spec, "volumes", [])
	reason := key_volume(volume)
	msg := sprintf("%s/%s: volume %q %s; fix: claim a volume of class %s", [workload.obj.kind, workload.obj.metadata.name, volume.name, reason, suggestion])
}

key_volume(volume) := "is an in-tree azureFile volume, mounted with the account key in a Secret" if volume.azureFile

key_volume(volume) := "is an inline Azure Files CSI volume, mounted with the account key in a Secret" if volume.csi.driver == "file.csi.azure.com"

key_volume(volume) := sprintf("is an ephemeral claim of class %q, which mounts Azure Files with the account key", [class]) if {
	class := claim_class(object.get(volume, ["ephemeral", "volumeClaimTemplate", "spec"], {}))
	key_mounted(class)
}

suggestion := concat(" or ", object.get(input.parameters, "platformClasses", []))
