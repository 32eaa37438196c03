# Every taggable Azure resource carries the platform's cost and ownership tags.
package main

import data.lib

required_tags := {"env", "tier", "tenant", "app", "cost-center", "managed-by"}

deny contains msg if {
	some r in lib.all_resources
	r.type in data.taggable_resource_types
	tags := object.get(r.config, "tags", {})
	some key in required_tags
	not non_empty(tags, key)
	msg := sprintf("%s (%s): tag %q is missing or empty; tags come from the TaggingAspect", [r.path, r.type, key])
}

deny contains msg if {
	some r in lib.all_resources
	r.type in data.taggable_resource_types
	object.get(r.config, ["tags", "managed-by"], "") != ""
	r.config.tags["managed-by"] != "cdktf"
	msg := sprintf("%s: tag managed-by must be cdktf, got %q", [r.path, r.config.tags["managed-by"]])
}

non_empty(tags, key) if {
	is_string(tags[key])
	tags[key] != ""
}
