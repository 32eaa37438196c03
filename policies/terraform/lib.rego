# Helpers shared by the Terraform rules. Input is one synthesized cdktf stack (cdk.tf.json).
package lib

# Every resource of a type, as {"id", "path", "config"}; path is the construct path cdktf
# records, which is what a reviewer recognises.
resources(type) := [r |
	some id, config in object.get(input, ["resource", type], {})
	r := {"id": id, "path": object.get(config, ["//", "metadata", "path"], id), "config": config}
]

all_resources := [r |
	some type, by_id in object.get(input, "resource", {})
	some id, config in by_id
	r := {"type": type, "id": id, "path": object.get(config, ["//", "metadata", "path"], id), "config": config}
]

# The Terraform reference `${type.id.id}` other resources use to point at a resource.
ref_id(type, id) := sprintf("${%s.%s.id}", [type, id])
