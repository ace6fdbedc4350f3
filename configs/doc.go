// Package configs holds no code: it is a module of its own so that the
// strict Kubernetes manifest test (manifests_test.go) can decode every
// document in kubernetes/ into its k8s.io/api type without bringing those
// dependencies into monhook's main module. Run it with
//
//	cd configs && go test ./...
package configs
