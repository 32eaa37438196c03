package platformkeymountedstorage_test

import data.platformkeymountedstorage
import rego.v1

params := {"keyMountedClasses": ["azurefile", "azurefile-csi", "azurefile-premium", "azurefile-csi-premium"], "platformClasses": ["azurefile-mi-premium"]}

review(object, operation) := {"review": {"object": object, "operation": operation}, "parameters": params}

claim(class) := {"kind": "PersistentVolumeClaim", "metadata": {"name": "data"}, "spec": {"storageClassName": class}}

pod(volumes) := {"kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [], "volumes": volumes}}

denied(input_doc, text) if {
	some v in platformkeymountedstorage.violation with input as input_doc
	contains(v.msg, text)
}

test_key_class_claim_denied if denied(review(claim("azurefile-csi-premium"), "CREATE"), "mounts Azure Files with the account key; fix: use azurefile-mi-premium")

test_platform_class_claim_allowed if count(platformkeymountedstorage.violation) == 0 with input as review(claim("azurefile-mi-premium"), "CREATE")

test_default_class_claim_allowed if {
	c := {"kind": "PersistentVolumeClaim", "metadata": {"name": "data"}, "spec": {}}
	count(platformkeymountedstorage.violation) == 0 with input as review(c, "CREATE")
}

test_claim_resize_not_judged if {
	old := claim("azurefile")
	new := json.patch(old, [{"op": "add", "path": "/spec/resources", "value": {"requests": {"storage": "20Gi"}}}])
	doc := {"review": {"object": new, "oldObject": old, "operation": "UPDATE"}, "parameters": params}
	count(platformkeymountedstorage.violation) == 0 with input as doc
}

test_in_tree_azure_file_denied if denied(review(pod([{"name": "share", "azureFile": {"secretName": "k", "shareName": "s"}}]), "CREATE"), "in-tree azureFile volume")

test_inline_csi_denied if denied(review(pod([{"name": "share", "csi": {"driver": "file.csi.azure.com", "volumeAttributes": {"secretName": "k"}}}]), "CREATE"), "inline Azure Files CSI volume")

test_inline_secrets_store_allowed if count(platformkeymountedstorage.violation) == 0 with input as review(pod([{"name": "kv", "csi": {"driver": "secrets-store.csi.k8s.io"}}]), "CREATE")

test_ephemeral_key_class_denied if {
	v := {"name": "scratch", "ephemeral": {"volumeClaimTemplate": {"spec": {"storageClassName": "azurefile"}}}}
	denied(review(pod([v]), "CREATE"), "ephemeral claim of class \"azurefile\"")
}

test_claim_template_denied if {
	set := {"kind": "StatefulSet", "metadata": {"name": "db"}, "spec": {"template": {"spec": {"containers": []}}, "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {"storageClassName": "azurefile-premium"}}]}}
	denied(review(set, "CREATE"), "volumeClaimTemplate \"data\" uses storageClassName \"azurefile-premium\"")
}
