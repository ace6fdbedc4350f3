// alarmdefinitions unit tests
package testing
