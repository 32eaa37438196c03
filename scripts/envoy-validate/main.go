// envoy-validate: checks Envoy bootstrap and file-based SDS files against Envoy's API as
// go-control-plane generates it for the Envoy release the platform runs (v1.39): every field and
// typed_config known, and the protoc-gen-validate rules met.
package main

import (
	"fmt"
	"os"

	bootstrapv3 "github.com/envoyproxy/go-control-plane/envoy/config/bootstrap/v3"
	discoveryv3 "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/router/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	tlsv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/transport_sockets/tls/v3"
	"google.golang.org/protobuf/encoding/protojson"
	"sigs.k8s.io/yaml"
)

type validator interface{ ValidateAll() error }

func main() {
	failed := false
	for i := 1; i+1 < len(os.Args); i += 2 {
		kind, file := os.Args[i], os.Args[i+1]
		if err := check(kind, file); err != nil {
			fmt.Printf("%s: %v\n", file, err)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}

func check(kind, file string) error {
	raw, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	js, err := yaml.YAMLToJSON(raw)
	if err != nil {
		return err
	}
	switch kind {
	case "bootstrap":
		var b bootstrapv3.Bootstrap
		if err := protojson.Unmarshal(js, &b); err != nil {
			return err
		}
		return b.ValidateAll()
	case "sds":
		// A file-based SDS resource: a DiscoveryResponse-shaped `resources` list of Secrets.
		var r discoveryv3.DiscoveryResponse
		if err := protojson.Unmarshal(js, &r); err != nil {
			return err
		}
		for _, a := range r.Resources {
			var s tlsv3.Secret
			if err := a.UnmarshalTo(&s); err != nil {
				return err
			}
			if err := s.ValidateAll(); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("unknown kind %s", kind)
}
