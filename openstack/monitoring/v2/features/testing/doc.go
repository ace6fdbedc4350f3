// Package testing holds the features package's tests against fake
// Monasca APIs of each era and flavor.
package testing
