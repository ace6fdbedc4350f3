// versions unit tests
package testing
