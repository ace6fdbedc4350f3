// measurements unit tests
package testing
