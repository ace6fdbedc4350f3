// metrics unit tests
package testing
